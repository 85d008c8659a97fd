"""The scanned, signed sign-off sheet: a PDF or an image by its content, at most 10 MB, kept through
the storage API and served only to those who may see the node."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outreach import services
from outreach.models import SignedSheet

from ..conftest import frozen_at
from .campaign_data import make_township_campaign

pytestmark = frozen_at(2027, 1, 20)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def confirmed(township, community, community_clerk, center_admin, standard):
    campaign = make_township_campaign(township, community, community_clerk, center_admin)
    services.campaign_confirm(campaign=campaign, actor=center_admin)
    return campaign


def upload(client, user, campaign, node, name, content, content_type="application/pdf"):
    client.force_login(user)
    return client.post(f"/outreach/campaigns/{campaign.pk}/nodes/{node.pk}/upload/",
                       {"file": SimpleUploadedFile(name, content, content_type=content_type)}, follow=True)


def test_a_clerk_uploads_the_signed_pdf_and_it_is_served_back_without_caching(client, confirmed, community,
                                                                              community_clerk):
    page = upload(client, community_clerk, confirmed, community, "张三 532526197001011234.pdf", PDF)
    assert "已上传" in page.content.decode()
    sheet = SignedSheet.objects.get()
    assert (sheet.extension, sheet.size, sheet.node) == ("pdf", len(PDF), community)
    assert "532526" not in sheet.file.name and "张三" not in sheet.file.name
    response = client.get(f"/outreach/campaigns/signed-sheets/{sheet.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]


def test_an_image_is_kept_as_what_its_bytes_say(client, confirmed, community, community_clerk):
    upload(client, community_clerk, confirmed, community, "scan.pdf", PNG)
    assert SignedSheet.objects.get().extension == "png"


@pytest.mark.parametrize("name, content, content_type", [
    ("sheet.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    ("sheet.jpg", b"MZ\x90\x00 an executable", "image/jpeg"),
])
def test_a_file_that_is_not_really_a_pdf_or_an_image_is_refused(client, confirmed, community, community_clerk, name,
                                                                 content, content_type):
    page = upload(client, community_clerk, confirmed, community, name, content, content_type).content.decode()
    assert "扫描件只能是PDF或图片" in page
    assert not SignedSheet.objects.exists()


def test_a_file_over_10_mb_is_refused(client, confirmed, community, community_clerk):
    page = upload(client, community_clerk, confirmed, community, "big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert "不能超过10 MB" in page.content.decode()
    assert not SignedSheet.objects.exists()


def test_an_outsider_can_neither_upload_nor_open_the_scan(client, confirmed, community, community_clerk,
                                                         outsider_admin):
    upload(client, community_clerk, confirmed, community, "sheet.pdf", PDF)
    sheet = SignedSheet.objects.get()
    client.force_login(outsider_admin)
    assert client.get(f"/outreach/campaigns/signed-sheets/{sheet.pk}/").status_code == 404
    response = client.post(f"/outreach/campaigns/{confirmed.pk}/nodes/{community.pk}/upload/",
                           {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 404
    assert SignedSheet.objects.count() == 1
