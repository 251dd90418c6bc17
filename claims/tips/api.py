"""Readers' tips through the API: POST /api/v1/tips/, no account, throttled per client."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.tips.models import MAX_TIP_CHARS, TOO_LONG
from claims.tips.services import Receipt, tip_submit
from factcheck.api import ERROR, validated
from factcheck.throttling import CountingThrottle


class TipRateThrottle(CountingThrottle):
    """Tips, by client address, at the rate TIP_RATE sets (the form and the API together)."""

    scope = "tips"

    def get_rate(self) -> str:
        rate: str = settings.TIP_RATE
        return rate


class TipInput(serializers.Serializer[None]):
    # The limits are the service's, which says what is wrong in words; these only keep a
    # huge body from being copied around before it gets there.
    text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_TIP_CHARS * 4,
        error_messages={"max_length": TOO_LONG},
    )
    link = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=254)
    website = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Leave empty (a trap for programs)."
    )


class CheckOutput(serializers.Serializer[None]):
    id = serializers.IntegerField()
    url = serializers.URLField()
    headline = serializers.CharField()
    rating = serializers.CharField()


class TipOutput(serializers.Serializer[None]):
    status_url = serializers.URLField(help_text="Private: where the reader follows the tip.")
    check = CheckOutput(allow_null=True, help_text="Our published check of the same claim.")
    compared = serializers.BooleanField(
        help_text="Whether the tip was compared with our checks at once. When false (a server "
        "still loading a large matching index), a check is null only for now: the status URL "
        "shows our check as soon as a worker has compared the tip, within a minute."
    )


class TipSubmitApi(APIView):
    """Send a claim to check: answered at once with our check of it, or with a receipt."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [TipRateThrottle]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="tips_create",
        request=TipInput,
        responses={201: TipOutput, 400: ERROR, 429: ERROR},
    )
    def post(self, request: Request) -> Response:
        given = validated(TipInput, request.data)
        receipt = tip_submit(**given)
        return Response(receipt_body(receipt), status=status.HTTP_201_CREATED)


def receipt_body(receipt: Receipt) -> dict[str, Any]:
    check = receipt.check
    return {
        "status_url": settings.SITE_URL + reverse("tip-status", args=[receipt.tip.token]),
        "check": check
        and {
            "id": check.check_id,
            "url": settings.SITE_URL + check.url,
            "headline": check.headline,
            "rating": check.rating,
        },
        "compared": receipt.compared,
    }
