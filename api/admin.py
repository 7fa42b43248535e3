"""API tokens in the admin: administrators see every token (its first characters, owner, dates)
and revoke one by deleting it. Nobody creates one here: a token is created by its owner on their
tokens page (tracker/organisations/tokens.py), the only place it is ever shown."""

from django.contrib import admin
from django.http import HttpRequest
from knox.admin import AuthTokenAdmin as KnoxAuthTokenAdmin
from knox.models import AuthToken

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(KnoxAuthTokenAdmin):
    list_display = ("token_key", "user", "created", "expiry")
    list_filter = ("created", "expiry")
    search_fields = ("token_key", "user__username")
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields
    actions = ["delete_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
