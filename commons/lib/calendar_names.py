"""The month, weekday and time-of-day names Django's date formats look up, repeated here
so that ``makemessages`` puts them in our catalogues, which come before Django's.

Django's own catalogue for Burmese has no month names and only one weekday, and the Khmer
one lacks the short weekdays and several short months: a date in those languages showed
"2026 March 5". The translations come from CLDR (see the report of issue 10); where
Django's catalogue already had a name, ours repeats it, so nothing else changes.

The calls must stay exactly those of django/utils/dates.py and django/utils/dateformat.py
(same msgid, same context): commons/core/tests/test_formats.py checks that they do.
Nothing imports this module at run time.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WEEKDAYS = {
    0: _("Monday"),
    1: _("Tuesday"),
    2: _("Wednesday"),
    3: _("Thursday"),
    4: _("Friday"),
    5: _("Saturday"),
    6: _("Sunday"),
}
WEEKDAYS_ABBR = {
    0: _("Mon"),
    1: _("Tue"),
    2: _("Wed"),
    3: _("Thu"),
    4: _("Fri"),
    5: _("Sat"),
    6: _("Sun"),
}
MONTHS = {
    1: _("January"),
    2: _("February"),
    3: _("March"),
    4: _("April"),
    5: _("May"),
    6: _("June"),
    7: _("July"),
    8: _("August"),
    9: _("September"),
    10: _("October"),
    11: _("November"),
    12: _("December"),
}
MONTHS_3 = {
    1: _("jan"),
    2: _("feb"),
    3: _("mar"),
    4: _("apr"),
    5: _("may"),
    6: _("jun"),
    7: _("jul"),
    8: _("aug"),
    9: _("sep"),
    10: _("oct"),
    11: _("nov"),
    12: _("dec"),
}
MONTHS_AP = {
    1: pgettext_lazy("abbrev. month", "Jan."),
    2: pgettext_lazy("abbrev. month", "Feb."),
    3: pgettext_lazy("abbrev. month", "March"),
    4: pgettext_lazy("abbrev. month", "April"),
    5: pgettext_lazy("abbrev. month", "May"),
    6: pgettext_lazy("abbrev. month", "June"),
    7: pgettext_lazy("abbrev. month", "July"),
    8: pgettext_lazy("abbrev. month", "Aug."),
    9: pgettext_lazy("abbrev. month", "Sept."),
    10: pgettext_lazy("abbrev. month", "Oct."),
    11: pgettext_lazy("abbrev. month", "Nov."),
    12: pgettext_lazy("abbrev. month", "Dec."),
}
MONTHS_ALT = {
    1: pgettext_lazy("alt. month", "January"),
    2: pgettext_lazy("alt. month", "February"),
    3: pgettext_lazy("alt. month", "March"),
    4: pgettext_lazy("alt. month", "April"),
    5: pgettext_lazy("alt. month", "May"),
    6: pgettext_lazy("alt. month", "June"),
    7: pgettext_lazy("alt. month", "July"),
    8: pgettext_lazy("alt. month", "August"),
    9: pgettext_lazy("alt. month", "September"),
    10: pgettext_lazy("alt. month", "October"),
    11: pgettext_lazy("alt. month", "November"),
    12: pgettext_lazy("alt. month", "December"),
}
# The format characters "a", "A" and "P" (django/utils/dateformat.py).
TIMES_OF_DAY = {
    "a.m.": _("a.m."),
    "p.m.": _("p.m."),
    "AM": _("AM"),
    "PM": _("PM"),
    "midnight": _("midnight"),
    "noon": _("noon"),
}
