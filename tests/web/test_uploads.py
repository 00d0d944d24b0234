"""Uploads are limited in size (a clear 413) and in type (a CSV text file), and a refused upload writes
nothing."""
import codecs
import io

import pytest

from dualdash.kpis.models import Measurement
from dualdash.org.models import Person
from dualdash.shared.uploads import binary_problem, size_in_words
from dualdash.web.tokens import issue_token

PEOPLE_CSV = b"email,name\nnew.person@example.com,New Person\n"
MEASUREMENTS_CSV = b"person,kpi,period,value\nmember@example.com,calls,2026-W47,12\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"[Content_Types].xml" + bytes(200)
UPLOADS = {"/admin/people/import": PEOPLE_CSV, "/measurements/import": MEASUREMENTS_CSV}


def upload(client, url, content, filename="upload.csv"):
    return client.post(url, data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def counts():
    return Person.select().count(), Measurement.select().count()


@pytest.mark.parametrize("url", list(UPLOADS))
def test_a_good_csv_file_is_imported(as_admin, sample_kpis, url):
    before = counts()
    assert upload(as_admin, url, UPLOADS[url]).status_code == 302
    assert counts() != before


@pytest.mark.parametrize("url", list(UPLOADS))
@pytest.mark.parametrize("content,filename,message", [
    (PNG, "photo.csv", "This file is not text: it holds binary data, so it cannot be a CSV file."),
    (XLSX, "people.csv", "This is a spreadsheet workbook or another zipped file, not a CSV file."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.csv", "This is an old-style Excel workbook (.xls)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "report.csv", "This is a PDF document, not a CSV file."),
    (codecs.BOM_UTF16_LE + "email,name\n".encode("utf-16-le"), "unicode.csv", "This file is UTF-16 text"),
    (b"email,name\x00\x01\x02\n", "nul.csv", "This file is not text"),
    (PEOPLE_CSV, "people.xlsx", "Upload a .csv file"),
    (PEOPLE_CSV, "people.txt", "Upload a .csv file"),
])
def test_a_file_that_is_not_csv_text_is_refused_beside_the_field(as_admin, sample_kpis, url, content, filename,
                                                                   message):
    before = counts()
    r = upload(as_admin, url, content, filename)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    error = html[html.index('<p class="error" id="file-error">'):]
    assert message in error[:error.index("</p>")]
    assert counts() == before


def test_text_in_another_encoding_is_left_to_the_reader_which_names_the_line(as_admin, sample_org):
    r = upload(as_admin, "/admin/people/import", "email,name\nmy@example.com,Müller\n".encode("latin-1"))
    assert r.status_code == 400
    assert "the file is not UTF-8 text" in r.get_data(as_text=True)
    assert Person.select().where(Person.email == "my@example.com").count() == 0


class TestSizeLimit:
    @pytest.fixture
    def app_config(self):
        return {"MAX_CONTENT_LENGTH": 2048}

    @pytest.mark.parametrize("url", list(UPLOADS))
    def test_a_large_file_gets_a_clear_page_and_nothing_is_written(self, as_admin, sample_kpis, url):
        before = counts()
        content = UPLOADS[url] + b"\n" * 3000
        r = upload(as_admin, url, content)
        assert r.status_code == 413
        html = r.get_data(as_text=True)
        assert "<h1>File too large</h1>" in html and 'class="site-header"' in html  # the site's layout
        assert "larger than the 2 KB this site accepts, so nothing was saved" in html
        assert counts() == before

    def test_a_file_under_the_limit_is_fine(self, as_admin, sample_org):
        assert upload(as_admin, "/admin/people/import", PEOPLE_CSV).status_code == 302

    def test_the_api_answers_in_json(self, client, sample_org, sample_kpis):
        _, token = issue_token(sample_org.admin, "big batch")
        items = [{"person": "member@example.com", "kpi": "calls", "period": "2026-W47", "value": 1,
                  "note": "x" * 100}] * 30
        r = client.post("/api/v1/measurements", json={"measurements": items},
                        headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 413 and r.is_json
        assert "larger than the 2 KB this site accepts; nothing was changed" in r.get_json()["message"]
        assert Measurement.select().count() == 0


def test_the_default_limit_is_16_mb(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024


@pytest.mark.parametrize("size,words", [(100, "100 bytes"), (1024, "1 KB"), (1536, "1.5 KB"),
                                        (16 * 1024 * 1024, "16 MB"), (3 * 1024 ** 3, "3 GB")])
def test_sizes_in_words(size, words):
    assert size_in_words(size) == words


def test_text_is_text():
    assert binary_problem(b"") is None
    assert binary_problem("email,name\r\nkim@example.com,Kim \u00c5berg\t\n".encode()) is None
    assert binary_problem(codecs.BOM_UTF8 + b"email,name\n") is None


def test_a_form_with_too_many_parts_is_not_called_a_large_file(app, as_admin, sample_org):
    app.config["MAX_FORM_PARTS"] = 5
    data = {f"field{i}": "x" for i in range(10)}
    data["file"] = (io.BytesIO(PEOPLE_CSV), "people.csv")
    r = as_admin.post("/admin/people/import", data=data, content_type="multipart/form-data")
    assert r.status_code == 413
    html = r.get_data(as_text=True)
    assert "more fields, or a longer field, than this site accepts" in html and "File too large" not in html
