#pragma once

#include <QString>

#include <stdexcept>

namespace bagel {

/** The one exception type core throws: a message fit to show a user as it is. */
class Error : public std::runtime_error
{
public:
    explicit Error(const QString &message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    {
    }

    const QString &message() const noexcept { return m_message; }

private:
    QString m_message;
};

} // namespace bagel
