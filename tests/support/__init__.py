"""What the tests share, laid out like the source tree: the live stack (support/live.py), and per
app its doubles, fakes and fixtures (support/conversations/, support/moderation/, support/review/).
Fixtures that every test may use are in tests/conftest.py, which loads support/review/staff.py as a
plugin."""
