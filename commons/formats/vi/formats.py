# Vietnamese: Django's dates and separators (decimal ",", group ".") are kept, but it does
# not group digits. CLDR 47 (``vi``): groups of three; week from Monday (VN).
FIRST_DAY_OF_WEEK = 1  # Monday
NUMBER_GROUPING = 3
