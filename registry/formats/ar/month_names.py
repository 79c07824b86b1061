"""Month names Django's own Arabic catalogue spells otherwise than UAE government sites.

Django writes «إبريل»; UAE sites write «أبريل». The project's catalogue (LOCALE_PATHS) is read
before Django's, so these msgids, marked here for `makemessages` to keep, carry our spelling
wherever a date format names the month (F, N, M: the follower chart's ticks among them). Nothing
imports this module: the marks are all it is for.
"""
from django.utils.translation import gettext_noop, pgettext_lazy

MONTHS_SPELT_OUR_WAY = (
    gettext_noop("April"),  # format F
    pgettext_lazy("abbrev. month", "April"),  # format N
    gettext_noop("apr"),  # format M
)
