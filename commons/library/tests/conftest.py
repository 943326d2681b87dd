"""Library content shared by the library tests: a toolkit published in English and
Khmer (submitted by alice for Lantern), and bob's submission waiting for review."""

import pytest

from commons.library.files import CheckedFile
from commons.library.models import Resource, Work
from commons.library.services import (
    approve_resource,
    create_work,
    submit_resource,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def publish(work: Work, *, language: str, title: str, by, moderator, **fields) -> Resource:
    resource = submit_resource(
        work=work,
        fields={"language": language, "title": title, **fields},
        submitter=by,
        organisation=None,
    )
    return approve_resource(resource=resource, moderator=moderator)


@pytest.fixture
def toolkit(alice, moderator, lantern) -> Work:
    work = create_work(
        fields={
            "type": Work.Type.TOOLKIT,
            "topics": ["forced_labour", "migration"],
            "countries": ["KH", "TH"],
            "regions": ["asia-pacific"],
            "publisher": lantern,
            "licence": "CC BY 4.0",
        },
        title="Migrant worker toolkit",
        authors=[{"name": "Lantern Outreach", "organisation": lantern}],
    )
    publish(
        work,
        language="en",
        title="Migrant worker toolkit",
        summary="Checklists for outreach workers who meet migrant workers.",
        by=alice,
        moderator=moderator,
    )
    publish(
        work,
        language="km",
        title="ឧបករណ៍សម្រាប់ពលករចំណាកស្រុក",
        summary="បញ្ជីត្រួតពិនិត្យសម្រាប់បុគ្គលិកចុះមូលដ្ឋាន",
        by=alice,
        moderator=moderator,
    )
    return work


@pytest.fixture
def pending(bob, lantern) -> Resource:
    work = create_work(fields={"type": Work.Type.REPORT}, title="Shelter standards report")
    return submit_resource(
        work=work,
        fields={"language": "en", "title": "Shelter standards report"},
        submitter=bob,
        organisation=lantern,
        file=CheckedFile(name="report.pdf", kind="pdf", content=PDF),
    )
