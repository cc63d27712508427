"""Generate a VAPID key pair for Web Push and print the settings to add to the environment."""

import base64

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand
from py_vapid import Vapid02


class Command(BaseCommand):
    help = "Generate VAPID keys for Web Push; prints FAIRDESK_VAPID_* lines for the environment."

    def add_arguments(self, parser):
        parser.add_argument("--subject", default="mailto:ops@example.com", help="contact for push services")

    def handle(self, *args, **options):
        vapid = Vapid02()
        vapid.generate_keys()
        private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
        public = vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
        self.stdout.write(f"FAIRDESK_VAPID_PUBLIC_KEY={b64(public)}")
        self.stdout.write(f"FAIRDESK_VAPID_PRIVATE_KEY={b64(private)}")
        self.stdout.write(f"FAIRDESK_VAPID_SUBJECT={options['subject']}")
