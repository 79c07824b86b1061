"""What every page needs to know about the site itself."""
from accounts.selectors import sample_data_loaded


def site(request):
    # Lazy, so pages that never render the banner (API, health) pay no query.
    return {"sample_data": sample_data_loaded}
