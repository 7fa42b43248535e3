import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# A server of requests: the web's database timeouts (config/settings/base.py, process_kind).
os.environ.setdefault("CRPD_PROCESS_KIND", "web")
application = get_asgi_application()
