"""Issue 12: trigram GIN indexes for the shared text search over indicators (see
tracker/migrations/0008_search_trigram_indexes.py; PostgreSQL only)."""

from django.db import migrations

from tracker.migrations._search_indexes import trigram_indexes

SEARCHED = {"indicators_indicator": ("key", "name_kk", "name_ru", "name_en")}


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_reference_versioned"),
        ("tracker", "0008_search_trigram_indexes"),
    ]

    operations = [trigram_indexes(SEARCHED)]
