"""What a PDF printed by Chromium says: its page count and its text, read without a PDF library (the suite has none).
Chromium (Skia) writes each text run as glyph codes of a font whose /ToUnicode map gives the characters back, or
marks it with an /ActualText; the streams are Flate-compressed."""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj")
TEXT_OPERATORS = re.compile(
    rb"/Span\s*<<\s*/ActualText\s*<([0-9A-Fa-f]*)>\s*>>\s*BDC"  # 1: a run's actual text
    rb"|(EMC)"  # 2: end of that run
    rb"|/([\w.+-]+)\s+[\d.]+\s+Tf"  # 3: the font
    rb"|<([0-9A-Fa-f]*)>\s*Tj"  # 4: a string of glyph codes
    rb"|\[((?:[^\]\\]|\\.)*)\]\s*TJ"  # 5: strings with kerning
    rb"|\b(ET)\b"  # 6: end of a text object
)


def _objects(pdf: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Each object's dictionary, and the decompressed data of those that are streams."""
    heads, streams, starts = {}, {}, [(int(m.group(1)), m.end()) for m in OBJECT.finditer(pdf)]
    for number, start in starts:
        end, data_at = pdf.find(b"endobj", start), pdf.find(b"stream", start)
        heads[number] = pdf[start : data_at if -1 < data_at < end else end]
    for number, start in starts:
        length = re.search(rb"/Length (\d+)( 0 R)?", heads[number])
        if not length or b"stream" not in pdf[start + len(heads[number]) : start + len(heads[number]) + 6]:
            continue
        size = int(heads[int(length.group(1))].strip()) if length.group(2) else int(length.group(1))
        at = start + len(heads[number]) + len(b"stream")
        at += 2 if pdf[at : at + 2] == b"\r\n" else 1
        data = pdf[at : at + size]
        streams[number] = zlib.decompress(data) if b"/FlateDecode" in heads[number] else data
    return heads, streams


def _unicode_map(cmap: bytes) -> tuple[int, dict[int, str]]:
    """(bytes per glyph code, code → text) of a /ToUnicode CMap."""
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", cmap)
    width = len(space.group(1)) // 2 if space else 2
    codes: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                codes[code] = chr(int(target, 16) + offset)
    return width, codes


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def pdf_text(pdf: bytes) -> str:
    """The text of every page, one line per text object, in the order it is drawn."""
    heads, streams = _objects(pdf)
    fonts: dict[bytes, tuple[int, dict[int, str]]] = {}
    for head in heads.values():  # /Font << /F6 12 0 R … >> in the pages' resources
        for block in re.findall(rb"/Font\s*<<(.*?)>>", head, re.S):
            for name, number in re.findall(rb"/([\w.+-]+)\s+(\d+) 0 R", block):
                unicode = re.search(rb"/ToUnicode (\d+) 0 R", heads.get(int(number), b""))
                if unicode and int(unicode.group(1)) in streams:
                    fonts[name] = _unicode_map(streams[int(unicode.group(1))])
    lines, line, font, actual = [], [], (2, {}), None

    def glyphs(hex_codes: bytes) -> str:
        width, codes = font
        return "".join(
            codes.get(int(hex_codes[i : i + 2 * width], 16), "") for i in range(0, len(hex_codes), 2 * width)
        )

    for data in streams.values():
        for match in TEXT_OPERATORS.finditer(data):
            span, end_span, font_name, string, strings, end_text = match.groups()
            if span is not None:
                actual = bytes.fromhex(span.decode()).decode("utf-16-be").lstrip("\ufeff")
                line.append(actual)
            elif end_span:
                actual = None
            elif font_name:
                font = fonts.get(font_name, (2, {}))
            elif actual is not None:
                continue  # drawn glyphs of a run whose actual text is already taken
            elif string is not None:
                line.append(glyphs(string))
            elif strings is not None:
                line.extend(glyphs(part) for part in re.findall(rb"<([0-9A-Fa-f]*)>", strings))
            elif end_text:
                lines.append("".join(line))
                line = []
    return "\n".join(lines)
