# Khmer: Django's dates are kept; its numbers have no grouping and a decimal comma.
# CLDR 47 (``km``, Latin digits): decimal ".", group ",", groups of three; week from
# Sunday (KH).
FIRST_DAY_OF_WEEK = 0  # Sunday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
