#include "jsonreader.h"

#include "error.h"
#include "utf8.h"

#include <QIODevice>

#include <charconv>
#include <cstring>

namespace bagel {

namespace {

constexpr std::size_t kChunk = 1 << 20;
constexpr std::size_t kMaxNumberLength = 512;

bool isIdentifier(std::string_view key)
{
    if (key.empty())
        return false;
    for (const char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return !(key[0] >= '0' && key[0] <= '9');
}

void appendUtf8(std::string &out, unsigned code)
{
    if (code < 0x80) {
        out += char(code);
    } else if (code < 0x800) {
        out += char(0xC0 | (code >> 6));
        out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += char(0xE0 | (code >> 12));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    } else {
        out += char(0xF0 | (code >> 18));
        out += char(0x80 | ((code >> 12) & 0x3F));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    }
}

QString describeByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7F)
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    return QStringLiteral("byte 0x%1").arg(u, 2, 16, QLatin1Char('0'));
}

} // namespace

JsonReader::JsonReader(QIODevice &device, QString sourceName)
    : m_device(&device)
    , m_source(std::move(sourceName))
{
    m_buffer.resize(kChunk);
    m_stack.push_back(Frame{Kind::Root, State::ExpectValue, {}, false, -1});
}

JsonReader::JsonReader(QByteArray data, QString sourceName, qint64 firstLine)
    : m_source(std::move(sourceName))
    , m_buffer(data.begin(), data.end())
    , m_end(std::size_t(data.size()))
    , m_eof(true)
    , m_line(firstLine)
{
    m_stack.push_back(Frame{Kind::Root, State::ExpectValue, {}, false, -1});
}

const char *JsonReader::tokenName(Token token)
{
    switch (token) {
    case Token::BeginObject: return "an object";
    case Token::EndObject: return "'}'";
    case Token::BeginArray: return "an array";
    case Token::EndArray: return "']'";
    case Token::Key: return "a key";
    case Token::String: return "a string";
    case Token::Number: return "a number";
    case Token::True:
    case Token::False: return "a boolean";
    case Token::Null: return "null";
    case Token::EndOfInput: return "the end of the input";
    }
    return "?";
}

bool JsonReader::fill(std::size_t wanted)
{
    while (m_end - m_pos < wanted && !m_eof) {
        if (m_pos > 0) {
            std::memmove(m_buffer.data(), m_buffer.data() + m_pos, m_end - m_pos);
            m_base += qint64(m_pos);
            m_end -= m_pos;
            m_pos = 0;
        }
        if (m_buffer.size() - m_end < kChunk / 2)
            m_buffer.resize(m_buffer.size() + kChunk);
        const qint64 got = m_device->read(m_buffer.data() + m_end, qint64(m_buffer.size() - m_end));
        if (got < 0)
            throw Error(QStringLiteral("%1: read error: %2").arg(m_source, m_device->errorString()));
        if (got == 0)
            m_eof = true;
        m_end += std::size_t(got);
    }
    return m_end - m_pos >= wanted;
}

void JsonReader::skipWhitespace()
{
    bool afterCr = false; // a CRLF pair lies within one run of whitespace
    for (;;) {
        const char *data = m_buffer.data();
        const char *p = data + m_pos;
        const char *end = data + m_end;
        while (p < end) {
            const char c = *p;
            if (c == ' ' || c == '\t') {
                ++p;
            } else if (c == '\n' || c == '\r') {
                // LF, CRLF and a lone CR (old Mac files) each end one line.
                if (!(c == '\n' && afterCr))
                    ++m_line;
                afterCr = c == '\r';
                ++p;
                m_lineStart = m_base + qint64(p - data);
                continue;
            } else {
                break;
            }
            afterCr = false;
        }
        m_pos = std::size_t(p - data);
        if (p < end || !fill(1))
            return;
    }
}

void JsonReader::markToken()
{
    m_tokenLine = m_line;
    m_tokenColumn = m_base + qint64(m_pos) - m_lineStart + 1;
}

void JsonReader::failHere(const QString &message)
{
    markToken();
    fail(message);
}

void JsonReader::fail(const QString &message) const
{
    throw Error(QStringLiteral("%1:%2:%3: at %4: %5")
                    .arg(m_source)
                    .arg(m_tokenLine)
                    .arg(m_tokenColumn)
                    .arg(path(), message));
}

QString JsonReader::path() const
{
    QString out = QStringLiteral("$");
    for (const Frame &f : m_stack) {
        if (f.kind == Kind::Object && f.hasKey) {
            const QString key = QString::fromUtf8(f.key.data(), qsizetype(f.key.size()));
            if (isIdentifier(f.key)) {
                out += QLatin1Char('.') + key;
            } else {
                QString escaped = key;
                escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
                escaped.replace(QLatin1Char('"'), QLatin1String("\\\""));
                out += QStringLiteral("[\"%1\"]").arg(escaped);
            }
        } else if (f.kind == Kind::Array && f.index >= 0) {
            out += QStringLiteral("[%1]").arg(f.index);
        }
    }
    // A path hundreds of levels deep would drown the message: keep its two ends.
    if (out.size() > 240)
        out = out.left(100) + QStringLiteral(" … ") + out.right(120);
    return out;
}

unsigned JsonReader::readHex4()
{
    if (!fill(4))
        failHere(QStringLiteral("truncated \\u escape"));
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = m_buffer[m_pos + std::size_t(i)];
        value <<= 4;
        if (c >= '0' && c <= '9')
            value |= unsigned(c - '0');
        else if (c >= 'a' && c <= 'f')
            value |= unsigned(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            value |= unsigned(c - 'A' + 10);
        else
            failHere(QStringLiteral("invalid \\u escape"));
    }
    m_pos += 4;
    return value;
}

void JsonReader::readString()
{
    ++m_pos; // opening quote
    m_text.clear();
    for (;;) {
        if (m_pos >= m_end && !fill(1))
            fail(QStringLiteral("unterminated string (the input ends inside it)"));
        // Copy the longest run of plain ASCII at once.
        std::size_t run = m_pos;
        while (run < m_end) {
            const auto c = static_cast<unsigned char>(m_buffer[run]);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                break;
            ++run;
        }
        m_text.append(m_buffer.data() + m_pos, run - m_pos);
        m_pos = run;
        if (m_text.size() > kMaxStringBytes)
            fail(QStringLiteral("string longer than %1 bytes").arg(kMaxStringBytes));
        if (m_pos >= m_end)
            continue;
        const auto c = static_cast<unsigned char>(m_buffer[m_pos]);
        if (c == '"') {
            ++m_pos;
            return;
        }
        if (c < 0x20)
            failHere(QStringLiteral("control character %1 inside a string").arg(describeByte(char(c))));
        if (c >= 0x80) {
            const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            fill(length);
            const std::size_t available = std::min(length, m_end - m_pos);
            const std::string_view sequence(m_buffer.data() + m_pos, available);
            if (available < length || !isValidUtf8(sequence))
                failHere(QStringLiteral("invalid UTF-8 in a string"));
            m_text.append(sequence);
            m_pos += length;
            continue;
        }
        // Escape sequence
        if (!fill(2))
            failHere(QStringLiteral("unterminated escape sequence"));
        const char e = m_buffer[m_pos + 1];
        m_pos += 2;
        switch (e) {
        case '"': m_text += '"'; break;
        case '\\': m_text += '\\'; break;
        case '/': m_text += '/'; break;
        case 'b': m_text += '\b'; break;
        case 'f': m_text += '\f'; break;
        case 'n': m_text += '\n'; break;
        case 'r': m_text += '\r'; break;
        case 't': m_text += '\t'; break;
        case 'u': {
            unsigned code = readHex4();
            if (code >= 0xD800 && code <= 0xDBFF) {
                if (!fill(2) || m_buffer[m_pos] != '\\' || m_buffer[m_pos + 1] != 'u')
                    failHere(QStringLiteral("unpaired UTF-16 surrogate in \\u escape"));
                m_pos += 2;
                const unsigned low = readHex4();
                if (low < 0xDC00 || low > 0xDFFF)
                    failHere(QStringLiteral("unpaired UTF-16 surrogate in \\u escape"));
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            } else if (code >= 0xDC00 && code <= 0xDFFF) {
                failHere(QStringLiteral("unpaired UTF-16 surrogate in \\u escape"));
            }
            appendUtf8(m_text, code);
            break;
        }
        default:
            m_pos -= 1;
            failHere(QStringLiteral("invalid escape \\%1").arg(describeByte(e)));
        }
    }
}

void JsonReader::readNumber()
{
    m_number.clear();
    const auto take = [this]() -> int {
        if (m_pos >= m_end && !fill(1))
            return -1;
        return static_cast<unsigned char>(m_buffer[m_pos]);
    };
    const auto push = [this] {
        if (m_number.size() >= kMaxNumberLength)
            fail(QStringLiteral("number longer than %1 characters").arg(kMaxNumberLength));
        m_number += m_buffer[m_pos++];
    };
    const auto digits = [&]() {
        int count = 0;
        for (int c = take(); c >= '0' && c <= '9'; c = take()) {
            push();
            ++count;
        }
        return count;
    };
    if (take() == '-')
        push();
    int c = take();
    if (c == '0') {
        push();
    } else if (c >= '1' && c <= '9') {
        digits();
    } else {
        failHere(QStringLiteral("invalid number"));
    }
    if (take() == '.') {
        push();
        if (digits() == 0)
            failHere(QStringLiteral("invalid number: digits expected after '.'"));
    }
    c = take();
    if (c == 'e' || c == 'E') {
        push();
        c = take();
        if (c == '+' || c == '-')
            push();
        if (digits() == 0)
            failHere(QStringLiteral("invalid number: digits expected in the exponent"));
    }
    c = take();
    if (c >= 0 && !(c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'))
        failHere(QStringLiteral("invalid number: unexpected %1").arg(describeByte(char(c))));
}

void JsonReader::readLiteral(const char *word, std::size_t length)
{
    if (!fill(length) || std::memcmp(m_buffer.data() + m_pos, word, length) != 0)
        fail(QStringLiteral("invalid literal (expected %1)").arg(QLatin1String(word)));
    m_pos += length;
}

JsonReader::Token JsonReader::beginValue()
{
    Frame &top = m_stack.back();
    if (top.kind == Kind::Array)
        ++top.index;
    const char c = m_buffer[m_pos];
    switch (c) {
    case '{':
        if (int(m_stack.size()) > kMaxDepth)
            fail(QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
        ++m_pos;
        top.state = State::ExpectCommaOrEnd;
        m_stack.push_back(Frame{Kind::Object, State::ExpectKeyOrEnd, {}, false, -1});
        return Token::BeginObject;
    case '[':
        if (int(m_stack.size()) > kMaxDepth)
            fail(QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
        ++m_pos;
        top.state = State::ExpectCommaOrEnd;
        m_stack.push_back(Frame{Kind::Array, State::ExpectValueOrEnd, {}, false, -1});
        return Token::BeginArray;
    case '"':
        readString();
        afterValue();
        return Token::String;
    case 't':
        readLiteral("true", 4);
        afterValue();
        return Token::True;
    case 'f':
        readLiteral("false", 5);
        afterValue();
        return Token::False;
    case 'n':
        readLiteral("null", 4);
        afterValue();
        return Token::Null;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            readNumber();
            afterValue();
            return Token::Number;
        }
        fail(QStringLiteral("expected a value, found %1").arg(describeByte(c)));
    }
}

void JsonReader::afterValue()
{
    Frame &top = m_stack.back();
    top.state = top.kind == Kind::Root ? State::Done : State::ExpectCommaOrEnd;
}

JsonReader::Token JsonReader::next()
{
    if (m_base == 0 && m_pos == 0 && m_stack.size() == 1 && m_stack.back().state == State::ExpectValue) {
        // A UTF-8 byte order mark before the document is allowed (RFC 8259, section 8.1).
        if (fill(3) && std::memcmp(m_buffer.data(), "\xEF\xBB\xBF", 3) == 0) {
            m_pos = 3;
            m_lineStart = 3;
        }
    }
    for (;;) {
        skipWhitespace();
        markToken();
        const bool atEnd = m_pos >= m_end;
        Frame &top = m_stack.back();

        if (top.state == State::Done) {
            if (!atEnd)
                fail(QStringLiteral("unexpected %1 after the end of the JSON value").arg(describeByte(m_buffer[m_pos])));
            return m_last = Token::EndOfInput;
        }
        if (atEnd) {
            if (top.kind == Kind::Root)
                fail(QStringLiteral("the file is empty"));
            fail(QStringLiteral("unexpected end of input: the file is truncated (%1 not closed)")
                     .arg(top.kind == Kind::Object ? QStringLiteral("an object") : QStringLiteral("an array")));
        }
        const char c = m_buffer[m_pos];

        switch (top.state) {
        case State::ExpectCommaOrEnd:
            if (c == ',') {
                ++m_pos;
                top.state = top.kind == Kind::Object ? State::ExpectKey : State::ExpectValue;
                continue;
            }
            if ((c == '}' && top.kind == Kind::Object) || (c == ']' && top.kind == Kind::Array)) {
                ++m_pos;
                const bool object = top.kind == Kind::Object;
                m_stack.pop_back();
                afterValue();
                return m_last = object ? Token::EndObject : Token::EndArray;
            }
            fail(QStringLiteral("expected ',' or '%1', found %2")
                     .arg(top.kind == Kind::Object ? QLatin1Char('}') : QLatin1Char(']'))
                     .arg(describeByte(c)));
        case State::ExpectKeyOrEnd:
        case State::ExpectKey:
            if (c == '}' && top.state == State::ExpectKeyOrEnd) {
                ++m_pos;
                m_stack.pop_back();
                afterValue();
                return m_last = Token::EndObject;
            }
            if (c != '"')
                fail(QStringLiteral("expected a key in double quotes, found %1").arg(describeByte(c)));
            readString();
            top.key.assign(m_text);
            top.hasKey = true;
            skipWhitespace();
            if (m_pos >= m_end || m_buffer[m_pos] != ':')
                failHere(QStringLiteral("expected ':' after the key"));
            ++m_pos;
            top.state = State::ExpectValue;
            return m_last = Token::Key;
        case State::ExpectValueOrEnd:
            if (c == ']') {
                ++m_pos;
                m_stack.pop_back();
                afterValue();
                return m_last = Token::EndArray;
            }
            [[fallthrough]];
        case State::ExpectValue:
            return m_last = beginValue();
        case State::Done:
            break;
        }
    }
}

void JsonReader::skipValue()
{
    if (m_last == Token::Key) {
        m_last = next();
    }
    if (m_last != Token::BeginObject && m_last != Token::BeginArray)
        return;
    // A skipped object is checked as a read one is: a repeated key is an error there too.
    // The key sets are kept between calls: an import may skip a million small objects.
    const std::size_t depth = m_stack.size() - 1;
    const auto keysAt = [this](std::size_t level) -> JsonKeySet & {
        if (m_skipKeys.size() <= level)
            m_skipKeys.resize(level + 1);
        return m_skipKeys[level];
    };
    keysAt(0).clear();
    while (m_stack.size() > depth) {
        const Token t = next();
        if (t == Token::BeginObject)
            keysAt(m_stack.size() - 1 - depth).clear();
        else if (t == Token::Key)
            keysAt(m_stack.size() - 1 - depth).check(*this);
    }
}

void JsonReader::expect(Token expected, const char *what)
{
    const Token got = next();
    if (got != expected)
        fail(QStringLiteral("expected %1, found %2").arg(QLatin1String(what), QLatin1String(tokenName(got))));
}

namespace {

/** \a text for an error message: a long number keeps its start and says how long it is. */
QString shownNumber(const std::string &text)
{
    if (text.size() <= 40)
        return QString::fromStdString(text);
    return QStringLiteral("%1… (%2 characters)").arg(QString::fromStdString(text.substr(0, 24))).arg(text.size());
}

} // namespace

qint64 JsonReader::intValue() const
{
    qint64 value = 0;
    const auto [ptr, ec] = std::from_chars(m_number.data(), m_number.data() + m_number.size(), value);
    if (ec == std::errc::result_out_of_range)
        fail(QStringLiteral("integer %1 is out of range").arg(shownNumber(m_number)));
    if (ec != std::errc() || ptr != m_number.data() + m_number.size())
        fail(QStringLiteral("expected an integer, found %1").arg(shownNumber(m_number)));
    return value;
}

double JsonReader::doubleValue() const
{
    double value = 0;
    const auto [ptr, ec] = std::from_chars(m_number.data(), m_number.data() + m_number.size(), value);
    if (ec != std::errc() || ptr != m_number.data() + m_number.size())
        fail(QStringLiteral("number %1 is out of range").arg(shownNumber(m_number)));
    return value;
}

} // namespace bagel
