"""GET /api/v1/models/: the provider and model pairs a new conversation may use."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.providers.registry import model_choices


class ModelChoiceOut(serializers.Serializer):
    provider = serializers.CharField()
    model = serializers.CharField()
    default = serializers.BooleanField()


class ModelListOut(serializers.Serializer):
    results = ModelChoiceOut(many=True)


class ModelList(APIView):
    @extend_schema(summary="The provider and model choices for a new conversation", responses=ModelListOut, tags=["models"])
    def get(self, request):
        return Response({"results": ModelChoiceOut(model_choices(), many=True).data})
