#include "testsupport.h"
#include "io/jsonwriter.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace bagel;

TEST(JsonWriter, WritesValidEscapedJson)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        JsonWriter w(buffer);
        w.beginObject();
        w.key(QStringLiteral("text"));
        w.value(QStringLiteral("<script>\"a\\b\"\n\x01 é"));
        w.key(QStringLiteral("list"));
        w.beginArray();
        w.value(qint64(3));
        w.value(0.25);
        w.value(true);
        w.null();
        w.beginObject();
        w.endObject();
        w.endArray();
        w.endObject();
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(buffer.data(), &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError) << buffer.data().toStdString();
    EXPECT_EQ(doc.object().value(QStringLiteral("text")).toString(), QStringLiteral("<script>\"a\\b\"\n\x01 é"));
    const QJsonArray list = doc.object().value(QStringLiteral("list")).toArray();
    ASSERT_EQ(list.size(), 5);
    EXPECT_EQ(list[0].toInt(), 3);
    EXPECT_EQ(list[1].toDouble(), 0.25);
    EXPECT_TRUE(list[2].toBool());
    EXPECT_TRUE(list[3].isNull());
    EXPECT_TRUE(list[4].isObject());
}
