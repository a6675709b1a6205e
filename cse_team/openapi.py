"""The OpenAPI document's rules that hold for every operation (issue #14, item
6: the API keeps its contract), applied once after drf-spectacular has built
the document (`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`) rather than
repeated on every viewset, so a new app's operations get them too:

- every answer the project's authentication, permissions, throttles,
  pagination and lookups can give is documented: 401 (no or bad token), 403
  (not for your role, or an MFA-required account without a second factor),
  404 (no such record, or one you may not see; a forged cursor), 429 (throttled,
  with Retry-After), and 400 where the operation takes query parameters
  (a bad `page_size` or id filter) or a body;
- a text query parameter never holds a NUL (refused with 400 by
  `cse_team.middleware.RejectNullCharactersMiddleware`);
- integer query parameters are ids (`referral`, `child`, `meeting`: a whole
  number, `sharing.api_writes.id_filter`) or the page size (1 and up,
  `sharing.field_levels.LevelAwareCursorPagination`), and say so.

The `tests/api_contract/` tests and `.ci/schemathesis` hold the document to
what the service answers."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from rest_framework import serializers

from sharing import registry
from sharing.api import LevelAwareSerializer

ERROR_SCHEMA = {
    "type": "object",
    "description": '{"detail": message} or {field: [messages]}',
    "additionalProperties": True,
}

COMMON_ERRORS = {
    "401": "No credentials, or a token that is unknown, expired or revoked",
    "403": "Not for your role, or your account must use a second factor first",
    "404": "No such record, or one you may not see",
    "429": "Too many requests: try again after the Retry-After header's seconds",
}
BAD_REQUEST = "Field errors: {field: [messages]}, or a query parameter that is not valid"
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds until the next request is allowed"}
}
METHODS = {"get", "put", "patch", "post", "delete"}


def document_common_answers(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            answers = dict(COMMON_ERRORS)
            parameters = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            if parameters or "requestBody" in operation:
                answers["400"] = BAD_REQUEST
            for code, description in answers.items():
                answer = responses.setdefault(code, {"description": description})
                answer.setdefault("content", error)
                if code == "429":
                    answer.setdefault("headers", RETRY_AFTER)
            for parameter in parameters:
                schema = parameter.get("schema", {})
                if schema.get("type") == "integer":
                    schema.setdefault("minimum", 1 if parameter["name"] == "page_size" else 0)
                elif schema.get("type") == "string" and "enum" not in schema:
                    # cse_team.middleware.RejectNullCharactersMiddleware: 400 for a NUL in the query
                    schema.setdefault("pattern", "^[^\\x00]*$")
    return result


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, honest about read-only fields that may be
    empty. DRF builds a read-only field for a model field without its
    `allow_null`/`allow_blank` (they only matter when writing), and a declared
    read-only field (`ProfessionalSerializer(read_only=True)` for a nullable
    foreign key) has neither: the document then says a value is always there
    (an enum without "", an object that is never null) which the answer
    contradicts. Here a read-only field over a model field that is `null` is
    nullable, and a read-only choice over one that is `blank` allows ""."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only:
            model_field = _model_field_of(field)
            if model_field is not None:
                if model_field.null:
                    field.allow_null = True
                if model_field.blank and isinstance(field, serializers.ChoiceField):
                    field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _map_basic_serializer(self, serializer, direction):
        """A field an answer may leave out is not `required`: a record read at
        summary level has only its summary fields (`LevelAwareSerializer`),
        and a serializer may name fields it drops for some readers
        (`Meta.optional_in_response`)."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "response" or "required" not in schema:
            return schema
        optional = set(getattr(getattr(serializer, "Meta", None), "optional_in_response", ()))
        if isinstance(serializer, LevelAwareSerializer):
            kept = {"id", "access_level", *registry.summary_fields(serializer.Meta.model)}
            optional |= set(schema["required"]) - kept
        schema["required"] = [name for name in schema["required"] if name not in optional]
        if not schema["required"]:
            del schema["required"]
        return schema


def _model_field_of(field):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None
    return None if model_field.auto_created and not model_field.concrete else model_field  # a reverse relation
