"""Issue 28 item 11: counts take their language's plural forms ("1 more file", "2 pliki",
"5 plików"), never "file(s)"; every plural in a catalogue has as many forms as its language."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, ngettext

from tests.helpers import minimal_answers, post_form, start
from tests.i18n.catalogues import TRANSLATED, catalogue_paths, english_messages, read_catalogue, readable_text

FILES = ("Add one file at a time. You can add %(num)d more file, %(most)d at most.",
         "Add one file at a time. You can add %(num)d more files, %(most)d at most.")
STATUS = ("You can add %(num)d more file. A report can have %(most)d files at most.",
          "You can add %(num)d more files. A report can have %(most)d files at most.")
# What each language says for 1, 2 and 5 files left (the word for "file" changes with the count).
EXPECTED = {
    "en": ("1 more file,", "2 more files,", "5 more files,"),
    "pl": ("1 plik,", "2 pliki,", "5 plików,"),
    "uk": ("1 файл,", "2 файли,", "5 файлів,"),
    "lt": ("1 failą,", "2 failus,", "5 failus,"),
    "ro": ("1 fișier,", "2 fișiere,", "5 fișiere,"),
    "ar": ("1 ملف آخر", "2 ملفين آخرين", "5 ملفات أخرى"),
}


@pytest.fixture
def backend() -> str:
    return "sqlite"


def test_no_message_says_s_in_brackets():
    assert [message for message in english_messages() if "(s)" in message] == []


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_number_of_files_left_takes_the_languages_plural(app, code):
    with app.test_request_context("/"), force_locale(code):
        for count, words in zip((1, 2, 5), EXPECTED[code], strict=True):
            files = ngettext(*FILES, count, most=5)
            status = ngettext(*STATUS, count, most=5)
            assert words in files, (count, files)
            assert words.rstrip(",") in status, (count, status)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_files_page_counts_in_words(client, code):
    assert client.get(f"/?lang={code}").status_code == 303
    start(client)
    for name, data in minimal_answers().items():
        post_form(client, f"/report/{name}", data)
    text = readable_text(client.get("/report/files").get_data(as_text=True), code)
    assert "(s)" not in text and "(ów)" not in text and "(e)" not in text
    assert EXPECTED[code][2] in text


@pytest.mark.parametrize("path", catalogue_paths(), ids=lambda path: path.parent.parent.name + "/" + path.name)
def test_every_plural_has_the_languages_number_of_forms(path):
    catalogue = read_catalogue(path)
    wrong = [message.id[0] for message in catalogue
             if message.id and isinstance(message.id, tuple) and len(message.string) != catalogue.num_plurals]
    assert wrong == []
