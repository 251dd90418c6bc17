"""The API of evidence: gathering runs, and what reviewers do with evidence."""

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.evidence.gathering import gathering_start
from claims.evidence.review import evidence_add_by_url, evidence_pin, evidence_set_stance
from claims.models import Claim, Evidence, GatheringRun, ProviderJob
from factcheck.api import WRITE_ERRORS, by_id
from factcheck.auth import acting_user

Username = serializers.SlugRelatedField[User]


class EvidenceOutput(serializers.ModelSerializer[Evidence]):
    source_title = serializers.CharField(source="source.title")
    source_url = serializers.CharField(source="source.url")
    publisher = serializers.CharField(source="source.publisher")
    published_at = serializers.DateTimeField(source="source.published_at", allow_null=True)
    added_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Evidence
        fields = [
            "id", "provider", "rank", "pinned", "relevance", "stance", "stance_cue", "passage",
            "source", "source_title", "source_url", "publisher", "published_at",
            "published_after_claim", "interested_party", "snapshot_hash", "retrieved_at",
            "added_by",
        ]  # fmt: skip


class ProviderJobOutput(serializers.ModelSerializer[ProviderJob]):
    class Meta:
        model = ProviderJob
        fields = [
            "provider", "status", "attempts", "lease_until", "last_error", "cancel_reason",
            "evidence_found",
        ]  # fmt: skip


class GatheringRunOutput(serializers.ModelSerializer[GatheringRun]):
    jobs = ProviderJobOutput(many=True, read_only=True)

    class Meta:
        model = GatheringRun
        fields = [
            "id", "state", "providers_done", "providers_total", "errors", "started_at",
            "finished_at", "jobs",
        ]  # fmt: skip


class ClaimGatherApi(APIView):
    """Start gathering evidence again (or return the run in progress)."""

    @extend_schema(request=None, responses={202: GatheringRunOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        run = gathering_start(claim=_claim(claim_id), user=acting_user(request.user))
        return Response(GatheringRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class EvidenceAddInput(serializers.Serializer[None]):
    url = serializers.CharField(max_length=2000)


class EvidenceAddApi(APIView):
    @extend_schema(request=EvidenceAddInput, responses={201: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        given = EvidenceAddInput(data=request.data)
        given.is_valid(raise_exception=True)
        evidence = evidence_add_by_url(
            claim=_claim(claim_id), url=given.validated_data["url"], user=acting_user(request.user)
        )
        return Response(EvidenceOutput(evidence).data, status=status.HTTP_201_CREATED)


class EvidencePinInput(serializers.Serializer[None]):
    pinned = serializers.BooleanField()


class EvidencePinApi(APIView):
    @extend_schema(request=EvidencePinInput, responses={200: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, evidence_id: int) -> Response:
        given = EvidencePinInput(data=request.data)
        given.is_valid(raise_exception=True)
        evidence = evidence_pin(
            evidence=by_id(Evidence, evidence_id),
            pinned=given.validated_data["pinned"],
            user=acting_user(request.user),
        )
        return Response(EvidenceOutput(evidence).data)


class EvidenceStanceInput(serializers.Serializer[None]):
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)


class EvidenceStanceApi(APIView):
    @extend_schema(request=EvidenceStanceInput, responses={200: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, evidence_id: int) -> Response:
        given = EvidenceStanceInput(data=request.data)
        given.is_valid(raise_exception=True)
        evidence = evidence_set_stance(
            evidence=by_id(Evidence, evidence_id),
            stance=given.validated_data["stance"],
            user=acting_user(request.user),
        )
        return Response(EvidenceOutput(evidence).data)


def _claim(claim_id: int) -> Claim:
    return by_id(Claim, claim_id)
