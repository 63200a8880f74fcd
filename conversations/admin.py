from django.contrib import admin

from conversations.models import Branch, Conversation, Message


class BranchInline(admin.TabularInline):
    model = Branch
    fk_name = "conversation"
    extra = 0
    can_delete = False
    fields = ["id", "tip", "forked_from", "ended_at", "reopened_at", "created_at"]
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "provider", "model", "updated_at"]
    list_select_related = ["owner"]
    search_fields = ["title", "owner__username"]
    raw_id_fields = ["owner", "active_branch"]
    inlines = [BranchInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "role", "status", "kind", "conversation", "created_at"]
    list_filter = ["role", "status", "kind"]
    list_select_related = ["conversation"]
    raw_id_fields = ["conversation", "branch", "parent"]
    search_fields = ["content"]
