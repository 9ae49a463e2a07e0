#pragma once

#include <QByteArray>
#include <QString>

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

class QIODevice;

namespace bagel {

class JsonKeySet;

/**
 * A streaming pull parser for JSON (RFC 8259). It reads the input in fixed-size chunks, so a
 * 200 MB file costs a few megabytes of memory, and it knows where it is: every error it (or
 * its caller, through fail()) reports names the file, line, column and the JSON path of the
 * value, e.g. `a.json:12:7: at $.initial_annots["x.JPEG"].correct[2]: unknown wnid`.
 * Strings are validated as UTF-8 and decoded; nesting is limited to kMaxDepth.
 */
class JsonReader
{
public:
    enum class Token { BeginObject, EndObject, BeginArray, EndArray, Key, String, Number, True, False, Null, EndOfInput };

    static constexpr int kMaxDepth = 256;
    /** Longest string or key accepted, in bytes: real inputs hold file names and wnids. */
    static constexpr std::size_t kMaxStringBytes = 1 << 20;

    /** Reads from \a device (which must stay open and alive). */
    JsonReader(QIODevice &device, QString sourceName);
    /** Reads one in-memory document; \a firstLine numbers its first line (for JSON Lines). */
    JsonReader(QByteArray data, QString sourceName, qint64 firstLine = 1);

    JsonReader(const JsonReader &) = delete;
    JsonReader &operator=(const JsonReader &) = delete;

    /** The next token; throws Error on malformed input. */
    Token next();

    /** Text of the last Key or String token (decoded UTF-8). Valid until the next call to next(). */
    std::string_view text() const { return m_text; }
    QString qtext() const { return QString::fromUtf8(m_text.data(), qsizetype(m_text.size())); }

    /** The last Number token as an integer; fails (with the position) if it is not one. */
    qint64 intValue() const;
    /** The last Number token as a double; fails if it does not fit. */
    double doubleValue() const;

    /** Skips the rest of the value whose first token next() just returned. */
    void skipValue();

    /** Reads the next token and fails unless it is \a expected (\a what names it in the error). */
    void expect(Token expected, const char *what);

    /** Where the last token started (1-based; the column counts bytes). */
    qint64 line() const { return m_tokenLine; }
    qint64 column() const { return m_tokenColumn; }
    /** The JSON path of the value the last token belongs to, e.g. `$.a["b c"][3]`. */
    QString path() const;
    const QString &sourceName() const { return m_source; }

    /** Throws Error with the source name, position and path of the last token. */
    [[noreturn]] void fail(const QString &message) const;

    static const char *tokenName(Token token);

private:
    enum class State { ExpectValue, ExpectValueOrEnd, ExpectKey, ExpectKeyOrEnd, ExpectCommaOrEnd, Done };
    enum class Kind { Root, Object, Array };
    struct Frame
    {
        Kind kind;
        State state;
        std::string key;
        bool hasKey = false;
        qint64 index = -1;
    };

    bool fill(std::size_t wanted);
    void skipWhitespace();
    void markToken();
    void readString();
    void readNumber();
    void readLiteral(const char *word, std::size_t length);
    Token beginValue();
    void afterValue();
    [[noreturn]] void failHere(const QString &message);
    unsigned readHex4();

    QIODevice *m_device = nullptr;
    QString m_source;
    std::vector<char> m_buffer;
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    bool m_eof = false;
    qint64 m_base = 0; ///< input offset of m_buffer[0]
    qint64 m_line = 1;
    qint64 m_lineStart = 0;
    qint64 m_tokenLine = 1;
    qint64 m_tokenColumn = 1;
    std::vector<Frame> m_stack;
    std::string m_text;
    std::string m_number;
    Token m_last = Token::EndOfInput;
    std::vector<JsonKeySet> m_skipKeys; ///< skipValue(): the keys of each object level it is inside
};

/**
 * Remembers the keys of one JSON object, so that a repeated key is an error rather than a
 * silent overwrite: `{"top_prediction": 1, "top_prediction": 2}` names no single prediction.
 * JsonReader::skipValue() checks the objects it skips with it too.
 */
class JsonKeySet
{
public:
    /** Forgets the keys (keeping the memory), for the next object. */
    void clear()
    {
        m_keys.clear();
        m_index.clear();
    }

    /** Call after next() returned a Key; fails at the key's position if it was seen before. */
    void check(const JsonReader &reader)
    {
        const std::string_view key = reader.text();
        bool seen = false;
        if (!m_index.empty()) {
            seen = !m_index.emplace(key).second;
        } else {
            seen = std::find(m_keys.begin(), m_keys.end(), key) != m_keys.end();
            if (!seen) {
                m_keys.emplace_back(key);
                if (m_keys.size() > kSmall) { // a large object: look keys up by hash from now on
                    m_index.insert(m_keys.begin(), m_keys.end());
                    m_keys.clear();
                }
            }
        }
        if (seen)
            reader.fail(QStringLiteral("duplicate key '%1'").arg(reader.qtext()));
    }

private:
    static constexpr std::size_t kSmall = 16;
    std::vector<std::string> m_keys;         ///< while the object is small
    std::unordered_set<std::string> m_index; ///< once it is not
};

} // namespace bagel
