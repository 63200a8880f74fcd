"""Forms of the chat pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.conf import settings

from moderation.models import EndFeedback


class MessageForm(forms.Form):
    # Not stripped and no max_length check here: emptiness and size are the service's to judge,
    # so the pages and the API give the same answer in the same words.
    content = forms.CharField(
        label="Message",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Write a message…", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content"].widget.attrs["maxlength"] = settings.MAX_MESSAGE_CHARS


class SendForm(MessageForm):
    # The branch the page showed, so a message never lands on a branch the user was not looking at.
    branch = forms.UUIDField(widget=forms.HiddenInput)


class SwitchForm(forms.Form):
    message = forms.UUIDField()


class EndForm(forms.Form):
    branch = forms.UUIDField(widget=forms.HiddenInput)


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(choices=EndFeedback.Rating.choices)
    comment = forms.CharField(label="Comment (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class RenameForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, required=False)

