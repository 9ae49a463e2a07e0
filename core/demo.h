#pragma once

#include <QString>

#include <memory>

namespace bagel {

class Project;

/**
 * The demo project that Bagel opens on first start: 55 photos with their labels, the
 * multi-labels of an earlier review and the top-5 of two illustrative models, all built into
 * the program. createDemoProject() unpacks them into \a directory and imports them with the
 * ordinary importers (labels, tfds-multilabel, predictions), so a first start exercises the
 * same code as a real project. An existing demo project there is opened instead.
 */
std::unique_ptr<Project> createDemoProject(const QString &directory);

/** `<directory>/demo.bagel`. */
QString demoProjectPath(const QString &directory);

} // namespace bagel
