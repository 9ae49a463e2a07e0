// PgStore: the team — the roles granted the project's reviewer or lead role.

#include "pgstore.h"

#include "error.h"
#include "pgconnection.h"
#include "pgschema.h"

namespace bagel {


QVector<PgStore::Member> PgStore::team() const
{
    ensureConnected();
    const PgResult r = q(
        "SELECT u.rolname, bool_or(g.rolname = $2), bool_or(u.rolcanlogin) FROM pg_auth_members m "
        "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE g.rolname IN ($1, $2) AND u.rolname NOT IN ($1, $2) GROUP BY u.rolname ORDER BY u.rolname",
        PgParams().add(pgschema::reviewerRole(m_location.project)).add(pgschema::leadRole(m_location.project)), "list the team");
    QVector<Member> out;
    for (int i = 0; i < r.rows(); ++i)
        out << Member{r.text(i, 0), r.boolean(i, 1), r.boolean(i, 2)};
    return out;
}

void PgStore::grant(const QString &role, bool lead)
{
    ensureConnected();
    if (role.startsWith(QLatin1String("bagel_")) && (role.endsWith(QLatin1String("_reviewer")) || role.endsWith(QLatin1String("_lead"))))
        throw Error(QStringLiteral("%1: '%2' is a project's group role, not a person's; grant the rights to a login role").arg(m_location.display, role));
    const PgResult exists = q("SELECT 1 FROM pg_roles WHERE rolname = $1", PgParams().add(role), "look up the role");
    if (exists.rows() == 0) {
        throw Error(QStringLiteral("%1: the server has no role named '%2'; the database administrator creates it first "
                                   "(CREATE ROLE … LOGIN PASSWORD …, see docs/team.md)")
                        .arg(m_location.display, role));
    }
    const std::string who = m_db->identifier(role);
    const std::string reviewers = m_db->identifier(pgschema::reviewerRole(m_location.project));
    const std::string leads = m_db->identifier(pgschema::leadRole(m_location.project));
    Transaction tx(*this);
    try {
        if (lead) {
            m_db->run("GRANT " + leads + " TO " + who, "grant a lead's rights");
        } else {
            // A lead made a reviewer gives up the lead's rights.
            m_db->run("REVOKE " + leads + " FROM " + who, "grant a reviewer's rights");
            m_db->run("GRANT " + reviewers + " TO " + who, "grant a reviewer's rights");
        }
        // The role's reviewer row exists from now on, so that its reviews can name it.
        q("INSERT INTO reviewers (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", PgParams().add(role), "add the reviewer");
    } catch (const PgError &e) {
        if (e.sqlState() == QLatin1String("42501") || e.sqlState() == QLatin1String("0LP01")) {
            throw Error(QStringLiteral("%1: %2 may not grant rights on the project %3: the project's owner or a role with "
                                       "CREATEROLE does")
                            .arg(m_location.display, m_user, m_location.project));
        }
        throw;
    }
    tx.commit();
}

void PgStore::revoke(const QString &role)
{
    ensureConnected();
    const PgResult owner = q("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1", PgParams().add(m_location.project),
                             "look up the project's owner");
    if (owner.rows() && owner.text(0, 0) == role) {
        throw Error(QStringLiteral("%1: %2 owns the project and leads it by that; the database administrator hands the "
                                   "project to another owner (ALTER SCHEMA %3 OWNER TO …) first")
                        .arg(m_location.display, role, m_location.project));
    }
    bool member = false;
    for (const Member &m : team())
        member = member || m.role == role;
    if (!member)
        throw Error(QStringLiteral("%1: '%2' is not on the team of the project %3").arg(m_location.display, role, m_location.project));
    const std::string who = m_db->identifier(role);
    Transaction tx(*this);
    try {
        m_db->run("REVOKE " + m_db->identifier(pgschema::leadRole(m_location.project)) + " FROM " + who, "revoke rights");
        m_db->run("REVOKE " + m_db->identifier(pgschema::reviewerRole(m_location.project)) + " FROM " + who, "revoke rights");
    } catch (const PgError &e) {
        if (e.sqlState() == QLatin1String("42501") || e.sqlState() == QLatin1String("0LP01")) {
            throw Error(QStringLiteral("%1: %2 may not take rights on the project %3: the project's owner or a role with "
                                       "CREATEROLE does")
                            .arg(m_location.display, m_user, m_location.project));
        }
        throw;
    }
    tx.commit();
}

} // namespace bagel
