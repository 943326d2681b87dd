# Arabic: Django has no date-and-time formats for it (English ones were used: "مارس 5,
# 2026, 2:30 م"), a comma after the month, and a decimal comma without grouping.
# CLDR 47 (``ar``, whose default numbering is Latin digits): long date "d MMMM y", short
# time "h:mm a", date and time "{1}، {0}" (Arabic comma), decimal ".", group ",", groups
# of three. The short date keeps Django's right-to-left marks around the slashes, as
# CLDR's does, so that the day stays on the right.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، g:i A"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y، g:i A"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
