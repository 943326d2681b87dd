"""The demo posts: news items, field reports, opportunities and announcements in several
languages.

Every post was written for this demo. Authors are demo people; organisations are the
fictional demo organisations (a real organisation's name never stands next to invented
news); sources are example.org links. Each title ends with "(demo)" and every post is
flagged ``is_demo``. Members submit and the demo moderator publishes, as on the site;
one post still waits for an editor. Deadlines and publication dates are relative to the
day the demo is loaded, so that some opportunities are open and one has passed.

A post whose slug exists is left as it is, so the loader is safe to run again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from commons.core.services import without_emails
from commons.news import services
from commons.news.models import Post

DEMO_MARK = "(demo)"
MODERATOR = "mona"

LANTERN = "example-lantern-outreach-demo"
SURVIVOR_VOICES = "placeholder-survivor-voices-demo"
MIGRANT_HELP = "sample-migrant-help-network-demo"
ARCHIPELAGO = "demo-archipelago-test-clinic-demo"
ISLANDS = "imaginary-islands-faith-care-demo"

# Each post: its fields, plus `author` (a demo person's key), `organisation` (a fictional
# demo organisation's slug), `days_ago` (when it was published; None: it waits for an
# editor) and, for opportunities, `deadline_in` (days from today; negative: passed).
POSTS: list[dict] = [
    {
        "slug": "regional-hotline-opens-demo",
        "kind": "news",
        "title": "Regional hotline for migrant workers opens",
        "summary": "A free hotline in five languages answers migrant workers day and night.",
        "body": (
            "A new hotline answers calls in **Thai, Burmese, Khmer, Lao and English**.\n\n"
            "- free from any phone\n- open day and night\n\n"
            "This item was written for the Freedom Commons demo; the hotline is invented."
        ),
        "language": "en",
        "countries": ["TH", "MM", "KH"],
        "topics": ["migration", "victim-support"],
        "source_url": "https://example.org/news/regional-hotline",
        "author": "alice",
        "organisation": LANTERN,
        "days_ago": 2,
    },
    {
        "slug": "fishing-fleet-inspections-demo",
        "kind": "news",
        "title": "Port inspections find unpaid wages on fishing boats",
        "summary": "Joint inspections in three ports found crews unpaid for months.",
        "body": (
            "Labour inspectors and an outreach team boarded boats in three ports.\n\n"
            "Written for the Freedom Commons demo; the inspections are invented."
        ),
        "language": "en",
        "countries": ["TH"],
        "topics": ["forced_labour", "debt_bondage"],
        "source_url": "https://example.org/news/port-inspections",
        "author": "bob",
        "organisation": LANTERN,
        "days_ago": 5,
    },
    {
        "slug": "scam-compound-returnees-th-demo",
        "kind": "news",
        "title": "ผู้รอดชีวิตจากแก๊งคอลเซ็นเตอร์กลับบ้านอย่างปลอดภัย",
        "summary": "ผู้รอดชีวิตกลุ่มใหม่เดินทางกลับบ้านพร้อมการดูแลจากทีมสังคมสงเคราะห์",
        "body": ("ทีมสังคมสงเคราะห์ให้การดูแลผู้รอดชีวิตที่ชายแดน\n\nเนื้อหานี้เขียนขึ้นเพื่อการสาธิตเท่านั้น"),
        "language": "th",
        "countries": ["TH", "MM"],
        "topics": ["forced_criminality", "victim-support"],
        "source_url": "https://example.org/th/news/returnees",
        "author": "bob",
        "organisation": LANTERN,
        "days_ago": 8,
    },
    {
        "slug": "garment-factory-report-km-demo",
        "kind": "field-report",
        "title": "របាយការណ៍ពីរោងចក្រកាត់ដេរ",
        "summary": "ក្រុមគាំទ្រមិត្តភក្តិបានជួបកម្មករដែលជំពាក់បំណុលមេខ្យល់។",
        "body": ("ក្រុមរបស់យើងបានជួបកម្មករចំនួនសាមសិបនាក់។\n\nអត្ថបទនេះសរសេរឡើងសម្រាប់តែការបង្ហាញសាកល្បងប៉ុណ្ណោះ។"),
        "language": "km",
        "countries": ["KH"],
        "topics": ["debt_bondage", "supply-chains"],
        "author": "carol",
        "organisation": SURVIVOR_VOICES,
        "days_ago": 3,
    },
    {
        "slug": "border-crossing-field-report-demo",
        "kind": "field-report",
        "title": "Field report: a week at the border crossing",
        "summary": "What our outreach team saw and heard at the border in one week.",
        "body": (
            "Our team met **forty** people crossing for work. Most had paid a broker.\n\n"
            "1. Ask who holds your passport.\n2. Keep a copy of your contract.\n\n"
            "Written for the Freedom Commons demo; no real person is described."
        ),
        "language": "en",
        "countries": ["TH", "MM"],
        "topics": ["migration", "forced_labour"],
        "author": "alice",
        "organisation": LANTERN,
        "days_ago": 1,
    },
    {
        "slug": "survivor-leaders-meeting-demo",
        "kind": "field-report",
        "title": "Survivor leaders plan their own advisory council",
        "summary": "Twelve survivor leaders met to plan a council that advises service providers.",
        "body": (
            "The council will meet every quarter and pay its members for their time.\n\n"
            "Written for the Freedom Commons demo; the meeting is invented."
        ),
        "language": "en",
        "countries": ["KH"],
        "topics": ["survivor-inclusion"],
        "author": "carol",
        "organisation": SURVIVOR_VOICES,
        "audience": "members",
        "days_ago": 6,
    },
    {
        "slug": "informe-trabajadoras-domesticas-demo",
        "kind": "field-report",
        "title": "Informe: trabajadoras domésticas sin contrato",
        "summary": "Entrevistas con trabajadoras domésticas migrantes sobre sus condiciones.",
        "body": (
            "Muchas trabajadoras no tienen contrato escrito ni día de descanso.\n\n"
            "Escrito para la demostración de Freedom Commons; los datos son inventados."
        ),
        "language": "es",
        "countries": ["MY"],
        "topics": ["domestic_servitude"],
        "author": MODERATOR,
        "organisation": MIGRANT_HELP,
        "days_ago": 10,
    },
    {
        "slug": "rapport-cliniques-mobiles-demo",
        "kind": "field-report",
        "title": "Rapport : des cliniques mobiles dans les îles",
        "summary": "Une clinique mobile repère des signes de travail forcé chez ses patients.",
        "body": (
            "L'équipe soignante a appris à poser trois questions simples.\n\n"
            "Rédigé pour la démonstration de Freedom Commons ; les faits sont inventés."
        ),
        "language": "fr",
        "countries": ["ID"],
        "topics": ["victim-support", "forced_labour"],
        "author": MODERATOR,
        "organisation": ARCHIPELAGO,
        "days_ago": 12,
    },
    {
        "slug": "case-worker-job-demo",
        "kind": "opportunity",
        "opportunity_type": "job",
        "title": "Case worker (Thai and Burmese speaker)",
        "summary": "A full-time case worker to support people leaving forced labour.",
        "body": "Written for the Freedom Commons demo; there is no such job.",
        "language": "en",
        "countries": ["TH"],
        "topics": ["victim-support"],
        "how_to_apply": "Send a letter and a CV to jobs@example.org.",
        "author": "alice",
        "organisation": LANTERN,
        "days_ago": 4,
        "deadline_in": 21,
    },
    {
        "slug": "call-for-proposals-shelters-demo",
        "kind": "opportunity",
        "opportunity_type": "call-for-proposals",
        "title": "Call for proposals: small grants for community shelters",
        "summary": "Grants for community shelters that house survivors for short stays.",
        "body": "Written for the Freedom Commons demo; there is no such fund.",
        "language": "en",
        "countries": ["PH", "ID", "MY"],
        "topics": ["funding", "victim-support"],
        "how_to_apply": "Fill in the form at https://example.org/grants/apply.",
        "author": MODERATOR,
        "organisation": ISLANDS,
        "days_ago": 7,
        "deadline_in": 45,
    },
    {
        "slug": "convocatoria-articulos-demo",
        "kind": "opportunity",
        "opportunity_type": "call-for-submissions",
        "title": "Convocatoria: artículos sobre migración segura",
        "summary": "Buscamos artículos breves sobre experiencias de migración segura.",
        "body": "Escrito para la demostración de Freedom Commons.",
        "language": "es",
        "countries": [],
        "topics": ["migration", "research"],
        "how_to_apply": "Envíe su texto a articulos@example.org.",
        "author": MODERATOR,
        "organisation": MIGRANT_HELP,
        "days_ago": 9,
        "deadline_in": 30,
    },
    {
        "slug": "bourse-journalisme-demo",
        "kind": "opportunity",
        "opportunity_type": "fellowship",
        "title": "Bourse pour des journalistes qui enquêtent sur le travail forcé",
        "summary": "Six mois de bourse pour une enquête sur les chaînes d'approvisionnement.",
        "body": "Rédigé pour la démonstration de Freedom Commons.",
        "language": "fr",
        "countries": [],
        "topics": ["media", "supply-chains"],
        "how_to_apply": "Écrivez à bourse@example.org avant la date limite.",
        "author": "carol",
        "organisation": SURVIVOR_VOICES,
        "days_ago": 11,
        "deadline_in": 60,
    },
    {
        "slug": "outreach-volunteers-closed-demo",
        "kind": "opportunity",
        "opportunity_type": "job",
        "title": "Outreach coordinator (closed)",
        "summary": "This opportunity's deadline has passed: it is no longer listed.",
        "body": "Written for the Freedom Commons demo.",
        "language": "en",
        "countries": ["TH"],
        "topics": ["community-based"],
        "how_to_apply": "Applications are closed.",
        "author": "bob",
        "organisation": LANTERN,
        "days_ago": 40,
        "deadline_in": -3,
    },
    {
        "slug": "newsletter-launch-demo",
        "kind": "announcement",
        "title": "The weekly round-up starts next week",
        "summary": "News, field reports and opportunities from the network, every week.",
        "body": (
            "Subscribe to receive the round-up in your language.\n\n"
            "Written for the Freedom Commons demo."
        ),
        "language": "en",
        "countries": [],
        "topics": ["collaboration"],
        "author": MODERATOR,
        "organisation": None,
        "days_ago": 0,
    },
    {
        "slug": "network-meeting-ar-demo",
        "kind": "announcement",
        "title": "اجتماع الشبكة الإقليمية عبر الإنترنت",
        "summary": "تدعو الشبكة أعضاءها إلى اجتماع عبر الإنترنت لمناقشة خطة العام.",
        "body": "كُتب هذا الإعلان للعرض التجريبي فقط.",
        "language": "ar",
        "countries": [],
        "topics": ["collaboration"],
        "author": MODERATOR,
        "organisation": MIGRANT_HELP,
        "days_ago": 14,
    },
    {
        "slug": "training-days-th-demo",
        "kind": "announcement",
        "title": "อบรมการคัดแยกผู้เสียหายสำหรับเจ้าหน้าที่ภาคสนาม",
        "summary": "การอบรมสองวันสำหรับเจ้าหน้าที่ภาคสนามขององค์กรสมาชิก",
        "body": "ประกาศนี้เขียนขึ้นเพื่อการสาธิตเท่านั้น",
        "language": "th",
        "countries": ["TH"],
        "topics": ["capacity-building", "victim-support"],
        "author": "alice",
        "organisation": LANTERN,
        "days_ago": 15,
    },
    {
        "slug": "peer-support-km-news-demo",
        "kind": "news",
        "title": "ក្រុមគាំទ្រមិត្តភក្តិបើកការិយាល័យថ្មី",
        "summary": "ក្រុមគាំទ្រមិត្តភក្តិបើកការិយាល័យថ្មីនៅខេត្តបាត់ដំបង។",
        "body": "អត្ថបទនេះសរសេរឡើងសម្រាប់តែការបង្ហាញសាកល្បងប៉ុណ្ណោះ។",
        "language": "km",
        "countries": ["KH"],
        "topics": ["survivor-inclusion"],
        "source_url": "https://example.org/km/news/new-office",
        "author": "carol",
        "organisation": SURVIVOR_VOICES,
        "days_ago": 18,
    },
    {
        "slug": "recruitment-fees-field-report-demo",
        "kind": "field-report",
        "title": "Field report: recruitment fees in the palm oil sector",
        "summary": "Workers told our team what they paid brokers before they left home.",
        "body": (
            "Most workers paid more than six months' wages in fees.\n\n"
            "Written for the Freedom Commons demo; the figures are invented."
        ),
        "language": "en",
        "countries": ["MY", "ID"],
        "topics": ["debt_bondage", "supply-chains"],
        "author": "bob",
        "organisation": LANTERN,
        "days_ago": None,  # waits for an editor
    },
]


def demo_title(title: str) -> str:
    return title if title.endswith(DEMO_MARK) else f"{title} {DEMO_MARK}"


@transaction.atomic
def load_demo_news() -> int:
    """Create the demo posts that do not exist yet. Returns how many it added.

    Side effects: inserts posts; audit events for each publication. Nobody is e-mailed.
    """
    with without_emails():
        return _load()


def _load() -> int:
    from commons.accounts.models import Organisation, User
    from commons.core.demo import PEOPLE

    people = {p.key: User.objects.filter(email=p.email).first() for p in PEOPLE}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__endswith="-demo")}
    existing = set(
        Post.objects.filter(slug__in=[row["slug"] for row in POSTS]).values_list("slug", flat=True)
    )
    today = timezone.localdate()
    now = timezone.now()
    added = 0
    for row in POSTS:
        if row["slug"] in existing:
            continue
        fields = {
            name: value
            for name, value in row.items()
            if name not in {"author", "organisation", "days_ago", "deadline_in"}
        }
        fields["title"] = demo_title(row["title"])
        fields["is_demo"] = True
        if "deadline_in" in row:
            fields["deadline"] = today + datetime.timedelta(days=row["deadline_in"])
        post = services.submit_post(
            fields=fields,
            author=people[row["author"]],
            organisation=organisations.get(row["organisation"]) if row["organisation"] else None,
        )
        if row["days_ago"] is not None:
            if post.status != Post.Status.PUBLISHED:
                services.publish_post(post=post, editor=people[MODERATOR])
            # Spread over the past weeks, so the listing reads like a real one.
            Post.objects.filter(pk=post.pk).update(
                published_at=now - datetime.timedelta(days=row["days_ago"])
            )
        added += 1
    return added
