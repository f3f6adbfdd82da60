"""A referral carries the copy of a file without metadata, sealed to the police key; never the original."""
from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from reporting.extensions import db
from reporting.referrals.models import ReferralFile
from tests.evidence.conftest import photo_with_canary
from tests.helpers import csrf_token, sign_in


def test_police_receive_the_cleaned_copy_only(app, make_user, reporter, canary):
    assert reporter.upload(photo_with_canary(canary), "home.jpg", "image/jpeg").status_code == 302
    # The report in the fixture said "do not pass": use a second reviewer-approved override.
    first, second = make_user("reviewer"), make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, first.email)
    url = f"/review/cases/{reporter.reference}/referral"
    form = staff.get(url).get_data(as_text=True)
    file_value = re.search(r'name="files" type="checkbox" value="(\d+)"', form).group(1)
    assert "home.jpg" in form
    token = csrf_token(staff, url)
    response = staff.post(url, data={"csrf_token": token, "fields": ["description"], "files": [file_value],
                                     "override_reason": "serious_crime", "explanation": "Weapon seen",
                                     "action": "send"})
    assert response.status_code == 302
    approver = app.test_client()
    sign_in(approver, app, second.email)
    with app.app_context():
        row = db.session.scalar(select(ReferralFile))
        referral_id, file_id = row.referral_id, row.id
        assert canary.encode() not in row.sealed
    token = csrf_token(approver, f"/review/cases/{reporter.reference}")
    assert approver.post(f"/review/referrals/{referral_id}/approve", data={"csrf_token": token}).status_code == 302

    officer = app.test_client()
    sign_in(officer, app, make_user("police").email)
    page = officer.get(f"/police/referrals/{referral_id}").get_data(as_text=True)
    assert f"/police/referrals/{referral_id}/files/{file_id}" in page
    download = officer.get(f"/police/referrals/{referral_id}/files/{file_id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert canary.encode() not in download.data
    image = Image.open(io.BytesIO(download.data))
    assert not image.getexif()
    assert officer.get(f"/police/referrals/{referral_id}/files/{file_id + 1}").status_code == 404
