"""GET /api/v1/models/: the provider and model pairs a new conversation may use."""

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.providers.registry import model_choices


class ModelList(APIView):
    class OutputSerializer(serializers.Serializer):
        provider = serializers.CharField()
        model = serializers.CharField()
        default = serializers.BooleanField()

    def get(self, request):
        return Response({"results": self.OutputSerializer(model_choices(), many=True).data})
