# Burmese: Django has no formats for it. From CLDR 47 (``my``), read with Babel:
# long date "y MMMM d", short date "d/M/yy" (here with the full year, as Django's short
# formats have), short time "H:mm", date and time "{1} {0}", week from Sunday (MM).
# Month and weekday names come from our catalogues (commons/lib/calendar_names.py).
# Latin digits, not CLDR's default Myanmar digits: see commons/formats/__init__.py.
DATE_FORMAT = "Y F j"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "Y F j G:i"
YEAR_MONTH_FORMAT = "Y F"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "j/n/Y"
SHORT_DATETIME_FORMAT = "j/n/Y G:i"
FIRST_DAY_OF_WEEK = 0  # Sunday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
