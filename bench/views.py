"""The floor the reply pipeline is compared with: the least a send could possibly do."""

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from conversations.models import Branch, Message


@csrf_exempt
def floor(request):
    """Write two rows (as a send writes the user message and the pending reply) and answer."""
    branch = Branch.objects.select_related("conversation").get(pk=request.GET["branch"])
    with transaction.atomic():
        user = Message.objects.create(conversation=branch.conversation, branch=branch, role="user", content="floor")
        Message.objects.create(conversation=branch.conversation, branch=branch, parent=user, role="assistant")
    return JsonResponse({"ok": True}, status=202)
