"""Checks on the project as a whole."""

from __future__ import annotations

import ast
import base64
import io
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import Resolver404, resolve

from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.cases.actions import record_incident
from waypoint.cases.models import Label
from waypoint.orgs.models import Role, SharingAgreement
from waypoint.test import PASSWORD, BaseTestCase


class MigrationTests(TestCase):
    def test_it_has_no_pending_migrations(self) -> None:
        out = io.StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit:
            self.fail(f"models and migrations differ:\n{out.getvalue()}")


class SettingsTests(SimpleTestCase):
    def test_it_fails_closed_without_a_secret_in_production(self) -> None:
        import subprocess
        import sys

        result = subprocess.run(
            [sys.executable, "-m", "waypoint", "check"],
            env={"PATH": "/usr/bin:/bin", "WAYPOINT_MODE": "production"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 2)
        self.assertIn("WAYPOINT_SECRET_KEY", result.stderr)

    def test_it_reads_the_secret_from_a_file(self) -> None:
        import subprocess
        import sys
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".key") as key:
            key.write("k" * 60)
            key.flush()
            result = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='waypoint.settings'; "
                    "from django.conf import settings; print(settings.SECRET_KEY == 'k'*60, "
                    "settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
                ],
                env={
                    "PATH": "/usr/bin:/bin",
                    "WAYPOINT_MODE": "production",
                    "WAYPOINT_SECRET_KEY_FILE": key.name,
                    "WAYPOINT_MASTER_KEY": base64.b64encode(b"m" * 32).decode(),
                },
                capture_output=True,
                text=True,
                timeout=60,
            )
        self.assertEqual(result.stdout.split(), ["True", "False", "True"], result.stderr)


class FieldClassTests(SimpleTestCase):
    def test_it_classifies_every_field_of_every_model(self) -> None:
        from django.apps import apps

        from waypoint.lib.fieldclasses import FieldClass

        problems = []
        for model in apps.get_models():
            if not model.__module__.startswith("waypoint."):
                continue
            declared = getattr(model, "field_classes", None)
            if declared is None:
                problems.append(f"{model.__name__} declares no field_classes")
                continue
            fields = {
                field.name
                for field in model._meta.get_fields()
                if field.concrete or (field.many_to_many and not field.auto_created)
            }
            if "*" in declared:
                continue
            problems += [
                f"{model.__name__}.{name} is unclassified" for name in fields - set(declared)
            ]
            problems += [
                f"{model.__name__}.{name} is not a field" for name in set(declared) - fields
            ]
            problems += [
                f"{model.__name__}.{name}: {value!r} is not a field class"
                for name, value in declared.items()
                if not isinstance(value, FieldClass)
            ]
        self.assertEqual(problems, [])


class Page(HTMLParser):
    """What the meta-tests read in a page: whether it is a whole document, its level-1
    headings and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.document = False
        self.h1 = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.document = True
        elif tag == "h1":
            self.h1 += 1
        elif tag in ("a", "area"):
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


#: Not crawled: the API and Django's own administration (sites of their own), signing out,
#: switching language (a form) and static files.
NOT_CRAWLED = ("/api/", "/admin/", "/logout/", "/i18n/", "/static/")
#: Addresses read per kind of page (URL name): each kind in a few states, not every record.
PER_KIND = 3


class HeadingTests(BaseTestCase):
    """Every page has exactly one ``<h1>``: the crawl starts where each persona lands and
    follows links within the site two steps deep (the main navigation and the links of the
    pages it leads to)."""

    olga: User
    aldo: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.olga = cls.make_user("olga", cls.org_a, Role.ORG_ADMIN)
        cls.aldo = cls.make_user("aldo", cls.org_a, Role.AUDITOR)
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        recorder_b = cls.make_user("basil", cls.org_b, Role.REPORTER)
        for owner, recorder in ((cls.org_a, cls.bruno), (cls.org_b, recorder_b)):
            for number, label in enumerate((Label.GREEN, Label.AMBER, Label.RED)):
                draft = cls.draft(reference=f"{owner.code}-{number}", label=label)
                record_incident(actor=recorder, organisation=owner, draft=draft)
        ImportJob.objects.create(
            organisation=cls.org_a,
            created_by=cls.bruno,
            file_name="landings.csv",
            status=JobStatus.SUCCEEDED,
            rows_read=2,
            created=2,
        )

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.enterContext(override_settings(WAYPOINT_JOB_DIR=Path(folder.name)))

    def test_it_has_one_h1_on_every_page(self) -> None:
        crawls: dict[str, dict[str, Page]] = {}
        for user in (self.amara, self.bruno, self.chen, self.dana, self.eve, self.olga, self.aldo):
            self.client.logout()
            self.client.force_login(user)
            crawls[user.username] = self.crawl("/")
        self.client.logout()
        crawls["signed out"] = self.crawl("/login/")
        self.client.post("/login/", {"username": "amara", "password": PASSWORD})
        crawls["between password and code"] = self.crawl("/login/code/")
        self.client.logout()
        self.client.force_login(self.make_user("nadia", self.org_a, Role.ANALYST), verified=False)
        crawls["before two-factor enrolment"] = self.crawl("/")

        problems = [
            f"{who}: {url} has {page.h1} <h1>"
            for who, pages in crawls.items()
            for url, page in pages.items()
            if page.document and page.h1 != 1
        ]
        self.assertEqual(problems, [])
        # The crawl reached the records and the sections, and the sign-in steps.
        amara = set(crawls["amara"])
        self.assertIn("/incidents/", amara)
        self.assertTrue(any(re.fullmatch(r"/incidents/[0-9a-f-]{36}/", url) for url in amara))
        self.assertIn("/account/", amara)
        self.assertIn("/imports/", crawls["bruno"])
        self.assertIn("/login/", crawls["signed out"])
        self.assertIn("/login/code/", crawls["between password and code"])
        self.assertIn("/account/two-factor/", crawls["before two-factor enrolment"])

    def crawl(self, start: str) -> dict[str, Page]:
        """The HTML pages read from ``start``, two links deep, by their address."""
        pages: dict[str, Page] = {}
        kinds: Counter[str] = Counter()
        level = [start]
        for _ in range(3):
            following = []
            for link in level:
                url, page = self.read(link)
                if page is None or url in pages:
                    continue
                pages[url] = page
                for target in self.site_links(url, page):
                    kind = self.kind(target)
                    if target in pages or target in following or kinds[kind] >= PER_KIND:
                        continue
                    kinds[kind] += 1
                    following.append(target)
            level = following
        return pages

    def read(self, url: str) -> tuple[str, Page | None]:
        """Where ``url`` leads after any redirect, and the page there (None for a download)."""
        response = self.client.get(url, follow=True)
        query = response.request.get("QUERY_STRING", "")
        final = response.request["PATH_INFO"] + (f"?{query}" if query else "")
        if response.streaming:
            response.getvalue()  # read to the end, which closes it
            return final, None
        html = response.headers.get("Content-Type", "").startswith("text/html")
        if not html or "attachment" in response.get("Content-Disposition", ""):
            return final, None
        page = Page()
        page.feed(response.content.decode())
        return final, page

    @staticmethod
    def site_links(url: str, page: Page) -> list[str]:
        links = []
        for href in page.links:
            target = urlsplit(urldefrag(urljoin(f"http://testserver{url}", href)).url)
            if target.scheme not in ("http", "https") or target.netloc != "testserver":
                continue
            if target.path.startswith(NOT_CRAWLED):
                continue
            links.append(target.path + (f"?{target.query}" if target.query else ""))
        return links

    @staticmethod
    def kind(url: str) -> str:
        try:
            return resolve(urlsplit(url).path).view_name
        except Resolver404:
            return url


#: The languages besides English, as their folders under waypoint/locale are named.
TRANSLATED = ("fr", "es", "ar", "ru", "zh_Hans")
#: The files makemessages reads for the "django" domain.
EXTRACTED = (".py", ".html", ".txt")
#: Folders `make messages` does not read (Makefile), and the catalogues themselves.
NOT_EXTRACTED = {".venv", "var", "browser_tests", "bench", "scripts", "locale", "__pycache__"}
PO_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


@dataclass
class Message:
    """One entry of a .po or .pot file."""

    context: str | None
    msgid: str
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.translations) and all(self.translations)


def read_po(text: str) -> dict[tuple[str | None, str], Message]:
    """The current (not obsolete) entries of a .po file, by context and message id."""
    messages = {}
    for block in re.split(r"\n[ \t]*\n", text):
        values: dict[str, str] = {}
        fuzzy, current = False, ""
        for line in block.splitlines():
            if line.startswith("#~"):  # obsolete: kept by msgmerge, used by nothing
                values = {}
                break
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in {flag.strip() for flag in line[2:].split(",")}
            elif match := PO_LINE.match(line):
                current = match[1]
                values[current] = ast.literal_eval(match[2])
            elif line.startswith('"') and current:
                values[current] += ast.literal_eval(line)
        if values.get("msgid"):  # the header's id is empty
            message = Message(
                context=values.get("msgctxt"),
                msgid=values["msgid"],
                translations=[value for key, value in values.items() if key.startswith("msgstr")],
                fuzzy=fuzzy,
            )
            messages[message.context, message.msgid] = message
    return messages


def extracted_messages() -> dict[tuple[str | None, str], Message]:
    """The messages marked for translation in the code today: makemessages run over a copy of
    the project's sources, so that the real catalogues stay untouched."""
    root = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as folder:
        sources, catalogues = Path(folder) / "sources", Path(folder) / "locale"
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = [
                name
                for name in subdirectories
                if name not in NOT_EXTRACTED and not name.startswith(".")
            ]
            for name in files:
                if name.endswith(EXTRACTED):
                    path = Path(directory, name)
                    copy = sources / path.relative_to(root)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, copy)
        here = Path.cwd()
        os.chdir(sources)  # makemessages reads the folder it runs in
        try:
            with override_settings(LOCALE_PATHS=[str(catalogues)]):
                call_command("makemessages", locale=["fr"], keep_pot=True, verbosity=0)
        finally:
            os.chdir(here)
        return read_po((catalogues / "django.pot").read_text(encoding="utf-8"))


class TranslationTests(SimpleTestCase):
    def test_it_reads_a_po_file(self) -> None:
        text = "\n".join(
            [
                'msgid ""',
                'msgstr "Content-Type: text/plain; charset=UTF-8\\n"',
                "",
                "#, fuzzy, python-format",
                'msgid "%(n)s row"',
                'msgstr "%(n)s ligne"',
                "",
                'msgctxt "import count"',
                'msgid "created"',
                'msgid_plural "cre"',
                '"ated"',
                'msgstr[0] "créé"',
                'msgstr[1] ""',
                "",
                '#~ msgid "gone"',
                '#~ msgstr "parti"',
                "",
                'msgid "Say \\"yes\\""',
                'msgstr ""',
                '"Dites « oui »"',
            ]
        )
        messages = read_po(text)
        self.assertEqual(
            set(messages),
            {(None, "%(n)s row"), (None, 'Say "yes"'), ("import count", "created")},
        )
        self.assertFalse(messages[None, "%(n)s row"].translated)  # fuzzy
        self.assertFalse(messages["import count", "created"].translated)  # one plural is empty
        self.assertTrue(messages[None, 'Say "yes"'].translated)
        self.assertEqual(messages[None, 'Say "yes"'].translations, ["Dites « oui »"])

    def test_it_translates_every_string_into_every_language(self) -> None:
        wanted = extracted_messages()
        self.assertGreater(len(wanted), 100)
        untranslated = {}
        for language in TRANSLATED:
            path = Path(
                settings.BASE_DIR, "waypoint", "locale", language, "LC_MESSAGES", "django.po"
            )
            catalogue = read_po(path.read_text(encoding="utf-8"))
            missing = [
                key for key in wanted if key not in catalogue or not catalogue[key].translated
            ]
            if missing:
                untranslated[language] = missing
        if untranslated:
            counts = ", ".join(f"{language} {len(keys)}" for language, keys in untranslated.items())
            first = "\n".join(
                f"  {language}: " + " | ".join(repr(msgid[:60]) for _, msgid in keys[:8])
                for language, keys in untranslated.items()
            )
            self.fail(
                f"Of {len(wanted)} messages marked in the code, these have no translation (missing "
                f"from the .po file, empty or fuzzy): {counts}. Run `make messages`, translate "
                f"them and run `make messages` again. The first of each:\n{first}"
            )
