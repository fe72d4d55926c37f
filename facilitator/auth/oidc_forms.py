"""Forms for signing in through a provider and for an admin's provider settings."""

from __future__ import annotations

import re

from wtforms import BooleanField, PasswordField, StringField, URLField
from wtforms.validators import DataRequired, Length, Optional

from ..validation import CheckedForm as FlaskForm

DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """(domains, the pieces that are not domains) from a comma- or space-separated list."""
    pieces = [p.strip().lower().lstrip("@") for p in re.split(r"[,\s]+", text or "") if p.strip()]
    good = list(dict.fromkeys(p for p in pieces if DOMAIN_RE.match(p)))
    return good, [p for p in pieces if not DOMAIN_RE.match(p)]


class OidcSettingsForm(FlaskForm):
    display_name = StringField(
        "Name on the sign-in button", validators=[DataRequired(), Length(max=80)],
        description="The button reads “Sign in with” this name, e.g. “Riverside Google account”.")
    issuer = URLField(
        "Issuer URL", validators=[DataRequired(), Length(max=300)],
        description="Google: https://accounts.google.com. Microsoft Entra ID: "
                    "https://login.microsoftonline.com/<tenant id>/v2.0")
    client_id = StringField("Client ID", validators=[DataRequired(), Length(max=300)])
    client_secret = PasswordField(
        "Client secret", validators=[Optional(), Length(max=500)],
        description="Stored encrypted and never shown again. Leave empty to keep the secret "
                    "already saved.")
    domains = StringField(
        "E-mail domains", validators=[DataRequired(), Length(max=1000)],
        description="The addresses this service vouches for, separated by commas, "
                    "e.g. riverside.k12.ca.us, riverside.org")
    enabled = BooleanField("Offer “Sign in with …” on the sign-in page")
    required = BooleanField(
        "Require it for everyone in the organization",
        description="Then nobody of the organization signs in or resets a password with a "
                    "password. Sign in through the service yourself first.")
