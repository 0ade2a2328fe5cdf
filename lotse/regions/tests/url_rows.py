from lotse.core.tests.matrix import UrlRow, everyone

ROWS = [
    UrlRow("regions:district_list", everyone()),
    UrlRow("regions:district_detail", everyone(), kwargs=lambda w: {"slug": w.district.slug}),
    UrlRow("regions:postcode_lookup", everyone(), query="postcode=80331"),
    UrlRow("api:district-list", everyone()),
    UrlRow("api:district-detail", everyone(), kwargs=lambda w: {"ags": w.district.ags}),
]
