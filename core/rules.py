"""Who reads the access log of sensitive data (django-rules; the permission object is the Municipality).

The security coordinator answers for the municipality's handling of personal data and reads its log; superusers
read every log. The police liaison does not: the police authority keeps its own logs of its own staff.
"""

import rules

from councils.rules import is_coordinator

rules.add_perm("core.view_access_log", is_coordinator)
