"""API tokens: a user exchanges a username and password for their token (or drops it)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.auth import acting_user
from factcheck.throttling import CountingThrottle

ERROR = OpenApiResponse(description="A message saying what went wrong.")


class PasswordGuessThrottle(CountingThrottle):
    """Few attempts a minute per address: enough for a client, too few to guess passwords
    (counted one by one, so attempts sent together cannot slip past)."""

    scope = "token"
    rate = "10/minute"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if request.method != "POST":
            return None  # dropping one's own token needs the token: nothing to guess
        return super().get_cache_key(request, view)


class TokenOutput(serializers.Serializer[None]):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class TokenApi(APIView):
    """POST a username and password for the user's token; DELETE (with the token) drops it."""

    throttle_classes = [PasswordGuessThrottle]

    def get_permissions(self) -> list[BasePermission]:
        """Anyone may ask for a token (with a password); only its holder may drop it."""
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_obtain",
        request=AuthTokenSerializer,
        responses={200: TokenOutput, 400: ERROR, 429: ERROR},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        given = AuthTokenSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=given.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(
        operation_id="auth_token_revoke", request=None, responses={204: None, 401: ERROR}
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=acting_user(request.user)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
