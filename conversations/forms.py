"""Forms of the chat pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.conf import settings

from conversations.providers.registry import ModelChoice, model_choices
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


class NewChatForm(MessageForm):
    """The first message of a new chat and the model it talks to (the choices of GET models/)."""

    # Optional: without a choice (a form from before the picker, a page with one model) the
    # conversation gets the default, as POST conversations/ does.
    model = forms.ChoiceField(label="Model", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choices = {f"{choice.provider}:{choice.model}": choice for choice in model_choices()}
        self.fields["model"].choices = [(key, f"{choice.model} ({choice.provider})") for key, choice in self.choices.items()]
        self.fields["model"].initial = next(iter(self.choices))

    def clean_model(self) -> ModelChoice:
        return self.choices[self.cleaned_data["model"] or next(iter(self.choices))]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search conversations", required=False, max_length=200)


class SwitchForm(forms.Form):
    message = forms.UUIDField()


class EndForm(forms.Form):
    branch = forms.UUIDField(widget=forms.HiddenInput)


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(choices=EndFeedback.Rating.choices)
    comment = forms.CharField(label="Comment (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(forms.Form):
    rating = forms.ChoiceField(choices=EndFeedback.Rating.choices)


class RenameForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, required=False, widget=forms.TextInput(attrs={"autofocus": True})
    )

