"""How numbers read on Arabic pages: UAE government sites group thousands with a comma and
use Western digits (Django's Arabic defaults do not group at all: 30999998)."""
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
