"""How dates and numbers read on Arabic pages, as UAE government sites write them.

Dates run day, month, year («16 مارس 2025»), a time follows after the Arabic comma
(«16 مارس 2025، 8:02 م»). Django's Arabic locale has no date-time format (pages fell back to the
English «مارس 16, 2025, 8:02 م») and puts a comma after the month. Months are `E`, Django's
"alternative" names («أبريل»), not `F` («إبريل»), which UAE sites do not use. Numbers group
thousands with a comma and use Western digits (Django's Arabic defaults do not group at all:
30999998).
"""
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y، g:i A"
TIME_FORMAT = "g:i A"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "E Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y، g:i A"

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
