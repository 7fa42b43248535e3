"""Russian: Django's own formats («28 ноября 2026 г.»), but a comma between a date and its time
(«28 ноября 2026 г., 10:30») as Russian official letters write it, not «… г. 10:30».

Only what differs is here; Django reads every other format from its own Russian module.
"""

DATETIME_FORMAT = "j E Y г., H:i"
