"""Reading uploaded CSV files: UTF-8 lines with or without a BOM, the header checked against known
columns, problems reported with line numbers.

Shared by the people and measurements imports. Line numbers count the lines of the file, the
header being line 1 (a quoted cell spanning several lines counts them all), so that a report
points at what a spreadsheet or text editor shows. The file is read line by line, never held in
memory as text.
"""
import codecs
import csv
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class LineProblem:
    """One problem: the file's line number (header = 1), the column (or None) and why."""

    line: int
    column: Optional[str]
    message: str

    def __str__(self):
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


class FileProblem(Exception):
    """The file as a whole cannot be read further: ``problem`` says why (None when the problems
    already noted say it)."""

    def __init__(self, problem=None):
        self.problem = problem


class CsvFile:
    """A binary CSV ``stream`` whose header names some of ``columns`` (all of ``required``).

    Creating it reads the header: its problems are appended to ``problems`` (a list the caller
    keeps), and :class:`FileProblem` is raised when the lines after it could not be understood.
    ``columns`` then holds the header's names (lower case) in file order. Iterating gives the
    lines after the header; reading a later line may raise :class:`FileProblem` too.
    ``on_read(lines_read)``, when given, is called after each line is read, blank ones included
    (for progress reports)."""

    def __init__(self, stream, columns, required, problems, *, on_read=None):
        self.problems = problems
        self.on_read = on_read
        self._reader = csv.reader(_decoded_lines(stream))
        self.columns = _read_header(self._reader, columns, required, problems)

    @property
    def lines_read(self):
        """How many lines of the file have been read so far."""
        return self._reader.line_num

    def __iter__(self):
        """``(line, values)`` of each line after the header that is not blank."""
        while True:
            line = self._reader.line_num + 1
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(LineProblem(line, None, f"this line cannot be read as CSV ({exc}).")) from None
            if self.on_read:
                self.on_read(self._reader.line_num)
            # Blank lines are harmless (the first cell settles it for nearly every line).
            if values and (values[0].strip() or any(v.strip() for v in values)):
                yield line, values

    def cells(self, line, values):
        """``{column: text}`` of one line, or None (with the problem noted) when it has too many values."""
        columns = self.columns
        if len(values) > len(columns) and any(v.strip() for v in values[len(columns):]):
            self.problems.append(LineProblem(line, None, (
                f"this line has {len(values)} values but the header names {len(columns)} columns.")))
            return None
        cells = dict(zip(columns, values))
        # A short line (trailing empty cells cut off): the missing cells are empty.
        for name in columns[len(values):]:
            cells[name] = ""
        return cells


def _decoded_lines(stream):
    """The stream's lines as text; a BOM at the start is dropped.

    Decoded line by line (not by a text wrapper) so that a bad byte is reported with its line."""
    for number, raw in enumerate(iter(stream.readline, b""), start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem(LineProblem(number, None, (
                "the file is not UTF-8 text. Save it as “CSV UTF-8” (in Excel: Save As, "
                "CSV UTF-8) and try again."))) from None


def _read_header(reader, known, required, problems):
    """The header's column names (lower case), in file order; header problems go to ``problems``.

    Raises FileProblem when the lines cannot be understood without a better header."""
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem(LineProblem(1, None, (
            "the file is empty. The first line must name the columns: " + ",".join(known) + "."))) from None
    except csv.Error as exc:
        raise FileProblem(LineProblem(1, None, f"the header cannot be read as CSV ({exc}).")) from None
    columns = [name.strip().lower() for name in header]
    if len(columns) == 1 and ";" in columns[0]:
        raise FileProblem(LineProblem(1, None, "the columns are separated by semicolons: save the file "
                                               "with commas (CSV, comma-separated)."))
    fatal = False
    for index, name in enumerate(columns):
        if name in columns[:index]:
            problems.append(LineProblem(1, name, "this column appears twice."))
            fatal = True
        elif name not in known:
            label = name or f"(column {index + 1} has no name)"
            problems.append(LineProblem(1, label, "unknown column; the columns are: " + ", ".join(known) + "."))
    for name in required:
        if name not in columns:
            problems.append(LineProblem(1, name, "this required column is missing."))
            fatal = True
    if fatal:
        # Without these columns every line would be reported for the header's one mistake.
        raise FileProblem()
    return columns
