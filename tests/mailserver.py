"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, for the reminder tests."""

import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller

from core.testservers import free_port


class Recorder:
    def __init__(self, mail_delay: float = 0.0):
        self.messages = []
        self.mail_delay = mail_delay
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # A slow server: the delay comes before the message is transferred, so a client that dies while
        # waiting has delivered nothing (as with a real server).
        if self.mail_delay:
            import asyncio

            await asyncio.sleep(self.mail_delay)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self, mail_delay: float = 0.0):
        self.port = free_port()
        self.recorder = Recorder(mail_delay)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def messages(self):
        with self.recorder.lock:
            return list(self.recorder.messages)

    def wait_for(self, count: int, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)} within {timeout} s")

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 10,
        }
