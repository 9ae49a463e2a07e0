#include "testsupport.h"
#include "error.h"
#include "io/jsonreader.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace bagel;
using Token = JsonReader::Token;

namespace {

/** Every token of \a json, scalars rendered, for compact expectations. */
QStringList tokens(const QByteArray &json)
{
    JsonReader reader(json, QStringLiteral("t.json"));
    QStringList out;
    for (;;) {
        const Token t = reader.next();
        switch (t) {
        case Token::BeginObject: out << QStringLiteral("{"); break;
        case Token::EndObject: out << QStringLiteral("}"); break;
        case Token::BeginArray: out << QStringLiteral("["); break;
        case Token::EndArray: out << QStringLiteral("]"); break;
        case Token::Key: out << QStringLiteral("k:") + reader.qtext(); break;
        case Token::String: out << QStringLiteral("s:") + reader.qtext(); break;
        case Token::Number: out << QStringLiteral("n:%1").arg(reader.doubleValue()); break;
        case Token::True: out << QStringLiteral("true"); break;
        case Token::False: out << QStringLiteral("false"); break;
        case Token::Null: out << QStringLiteral("null"); break;
        case Token::EndOfInput: return out;
        }
    }
}

QString errorOf(const QByteArray &json)
{
    try {
        tokens(json);
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("no error");
}

} // namespace

TEST(JsonReader, ReadsEveryKindOfToken)
{
    EXPECT_EQ(tokens(R"({"a": [1, -2.5e3, true, false, null, "x"], "b": {}, "c": []})"),
              (QStringList{QStringLiteral("{"), QStringLiteral("k:a"), QStringLiteral("["), QStringLiteral("n:1"),
                           QStringLiteral("n:-2500"), QStringLiteral("true"), QStringLiteral("false"),
                           QStringLiteral("null"), QStringLiteral("s:x"), QStringLiteral("]"), QStringLiteral("k:b"),
                           QStringLiteral("{"), QStringLiteral("}"), QStringLiteral("k:c"), QStringLiteral("["),
                           QStringLiteral("]"), QStringLiteral("}")}));
    EXPECT_EQ(tokens("  42 \n"), QStringList{QStringLiteral("n:42")});
}

TEST(JsonReader, DecodesEscapesAndUnicode)
{
    EXPECT_EQ(tokens(R"(["a\"b\\c\/d\n\t", "\u00e9\u4e2d", "\ud83e\udd6f", "é"])").mid(1, 4),
              (QStringList{QStringLiteral("s:a\"b\\c/d\n\t"), QStringLiteral("s:é中"), QStringLiteral("s:🥯"),
                           QStringLiteral("s:é")}));
}

TEST(JsonReader, ErrorsNameFileLineColumnAndPath)
{
    EXPECT_EQ(errorOf("{\n  \"a\": {\"b\": [1, 2,\n   x]}}"),
              QStringLiteral("t.json:3:4: at $.a.b[2]: expected a value, found 'x'"));
    EXPECT_EQ(errorOf("{\"file name.JPEG\": {\"correct\": [1 2]}}"),
              QStringLiteral("t.json:1:35: at $[\"file name.JPEG\"].correct[0]: expected ',' or ']', found '2'"));
    EXPECT_EQ(errorOf("{\"a\": 1,}"), QStringLiteral("t.json:1:9: at $.a: expected a key in double quotes, found '}'"));
    EXPECT_EQ(errorOf("[1] [2]"), QStringLiteral("t.json:1:5: at $: unexpected '[' after the end of the JSON value"));
}

TEST(JsonReader, RejectsTruncatedInput)
{
    EXPECT_TRUE(errorOf(R"({"initial_annots": {"x": {"correct": ["n01)").contains(QStringLiteral("unterminated string")));
    EXPECT_TRUE(errorOf(R"({"initial_annots": {"x": {"correct": [)").contains(QStringLiteral("truncated")));
    EXPECT_TRUE(errorOf("").contains(QStringLiteral("empty")));
    EXPECT_TRUE(errorOf("{\"a\"").contains(QStringLiteral("expected ':'")));
    EXPECT_TRUE(errorOf("tru").contains(QStringLiteral("invalid literal")));
}

TEST(JsonReader, RejectsHostileInput)
{
    EXPECT_TRUE(errorOf(QByteArray("[\"a\0b\"]", 7)).contains(QStringLiteral("control character")));
    EXPECT_TRUE(errorOf("[\"\xff\"]").contains(QStringLiteral("invalid UTF-8")));
    EXPECT_TRUE(errorOf("[\"\xed\xa0\x80\"]").contains(QStringLiteral("invalid UTF-8"))); // encoded surrogate
    EXPECT_TRUE(errorOf(R"(["\ud800"])").contains(QStringLiteral("surrogate")));
    EXPECT_TRUE(errorOf(R"(["\x"])").contains(QStringLiteral("invalid escape")));
    EXPECT_TRUE(errorOf("[01]").contains(QStringLiteral("invalid number")));
    EXPECT_TRUE(errorOf("[1.]").contains(QStringLiteral("invalid number")));
    EXPECT_TRUE(errorOf("[-]").contains(QStringLiteral("invalid number")));
    EXPECT_TRUE(errorOf(QByteArray(2000, '[')).contains(QStringLiteral("nesting deeper than")));
    EXPECT_TRUE(errorOf("[" + QByteArray(600, '9') + "]").contains(QStringLiteral("longer than")));

    JsonReader big(QByteArray("[1e999, 99999999999999999999]"), QStringLiteral("t.json"));
    big.next();
    big.next();
    EXPECT_THROW(big.doubleValue(), Error);
    big.next();
    EXPECT_THROW(big.intValue(), Error);
    EXPECT_DOUBLE_EQ(big.doubleValue(), 1e20);
}

TEST(JsonReader, SkipsWholeValues)
{
    JsonReader reader(QByteArray(R"({"skip": {"a": [1, {"b": []}], "c": "d"}, "keep": 7})"), QStringLiteral("t.json"));
    reader.expect(Token::BeginObject, "object");
    reader.expect(Token::Key, "key");
    reader.skipValue();
    reader.expect(Token::Key, "key");
    EXPECT_EQ(reader.text(), "keep");
    reader.expect(Token::Number, "number");
    EXPECT_EQ(reader.intValue(), 7);
    reader.expect(Token::EndObject, "end");
    reader.expect(Token::EndOfInput, "end of input");
}

TEST(JsonReader, StreamsInputLargerThanItsBufferAndAgreesWithQt)
{
    // Long strings and many keys cross the 1 MB read boundaries at every possible offset.
    QJsonObject object;
    for (int i = 0; i < 3000; ++i) {
        QString value = QStringLiteral("value-%1-").arg(i) + QString(i % 997, QChar(0x00e9 + i % 3));
        object.insert(QStringLiteral("key\"%1\\").arg(i), value);
    }
    const QByteArray json = QJsonDocument(object).toJson();
    ASSERT_GT(json.size(), 2 * 1024 * 1024);
    QBuffer buffer;
    buffer.setData(json);
    buffer.open(QIODevice::ReadOnly);
    JsonReader reader(buffer, QStringLiteral("big.json"));
    reader.expect(Token::BeginObject, "object");
    int count = 0;
    for (Token t = reader.next(); t != Token::EndObject; t = reader.next()) {
        const QString key = reader.qtext();
        reader.expect(Token::String, "string");
        ASSERT_EQ(reader.qtext(), object.value(key).toString()) << key.toStdString();
        ++count;
    }
    reader.expect(Token::EndOfInput, "end");
    EXPECT_EQ(count, 3000);
}

TEST(JsonReader, LineNumbersContinueFromTheFirstLine)
{
    JsonReader reader(QByteArray("{\"a\": x}"), QStringLiteral("p.jsonl"), 41);
    try {
        reader.next();
        reader.next();
        reader.next();
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.message(), QStringLiteral("p.jsonl:41:7: at $.a: expected a value, found 'x'"));
    }
}

TEST(JsonReader, AcceptsAByteOrderMark)
{
    EXPECT_EQ(tokens("\xEF\xBB\xBF[1]"), (QStringList{QStringLiteral("["), QStringLiteral("n:1"), QStringLiteral("]")}));
    EXPECT_EQ(errorOf("\xEF\xBB\xBF[x]"), QStringLiteral("t.json:1:2: at $[0]: expected a value, found 'x'"));
}

TEST(JsonReader, RefusesHugeStrings)
{
    const QByteArray json = "[\"" + QByteArray(JsonReader::kMaxStringBytes + 10, 'a') + "\"]";
    EXPECT_TRUE(errorOf(json).contains(QStringLiteral("string longer than")));
}
