"""The five curated categories every installation starts with. Their names are stored in
English and shown in the reader's language through ``queries.CATEGORY_LABELS``."""

from django.db import migrations

CATEGORIES = [
    (
        "field-updates",
        "Field updates",
        "News from the frontline: what you see, what changed, what worked.",
        "public",
    ),
    (
        "help-requests",
        "Requests for help and referrals",
        "Ask for a hand, a contact or a referral for someone you support.",
        "members",
    ),
    ("introductions", "Introductions", "Who you are and what your organisation does.", "members"),
    (
        "research-data",
        "Research and data",
        "Studies, data sets and methods: share them and ask about them.",
        "public",
    ),
    (
        "crisis-response",
        "Crisis response",
        "Coordinating during a crisis: rescues, evacuations, emergencies.",
        "members",
    ),
]


def create(apps, schema_editor):
    Category = apps.get_model("discussions", "Category")
    for order, (slug, name, description, audience) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "audience": audience,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("discussions", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
