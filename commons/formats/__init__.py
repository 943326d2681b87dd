"""Date and number formats for the interface languages where Django's own are missing or
differ from CLDR (settings.FORMAT_MODULE_PATH). A module here overrides only the names it
defines; every other format still comes from Django's locale.

Every language keeps Latin digits (0–9), even where CLDR's default numbering system is
another (Burmese digits for ``my``): many readers type and read those, on forms, on phones
and in figures quoted from reports, and one set of digits keeps figures comparable across
pages and downloads.

Counts shown to people go through ``|intcomma`` (django.contrib.humanize), which groups
digits as the active language does; USE_THOUSAND_SEPARATOR stays off, so that ids in URLs
and form values are never grouped. In a plural sentence, keep the msgid and group the
number shown: ``{% blocktranslate count number=total with n=total|intcomma %}{{ n }}
organisation{% plural %}{{ n }} organisations{% endblocktranslate %}``.
"""
