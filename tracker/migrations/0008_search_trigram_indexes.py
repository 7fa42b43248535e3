"""Issue 12: the shared text search (tracker/search.py) matches words with ILIKE and pg_trgm's
word similarity; these trigram GIN indexes answer both without reading the tables. PostgreSQL
only: SQLite has neither the extension nor GIN (it searches through a registered casefold
function instead), so the indexes are created by SQL when the database is PostgreSQL and are not
part of the models' state."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from tracker.migrations._search_indexes import trigram_indexes

SEARCHED = {
    "tracker_measure": ("key", "title_kk", "title_ru", "title_en", "description_kk"),
    "tracker_reportparagraph": ("text_kk", "section_kk"),
    "tracker_legalact": ("key", "number", "title_kk", "title_ru", "title_en"),
}


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_notification_attachments")]

    operations = [TrigramExtension(), trigram_indexes(SEARCHED)]
