"""What every page needs to know about the site itself."""
from django.urls import translate_url

from accounts.opendata.alternates import page_addresses
from accounts.public.cache import fact_at_version
from accounts.selectors import sample_data_loaded


def site(request):
    # The same page in the other language: /en/directory/?q=x ↔ /ar/directory/?q=x.
    def this_page_in():
        return {code: translate_url(request.get_full_path(), code) for code in ("ar", "en")}

    # Lazy, so pages that never render them (API, health) pay nothing.
    return {
        "sample_data": lambda: fact_at_version("sample_data", sample_data_loaded),
        "this_page_in": this_page_in,
        # Its canonical address and hreflang alternates, absolute (templates/base.html's <head>).
        "page_addresses": lambda: page_addresses(request, this_page_in()),
    }
