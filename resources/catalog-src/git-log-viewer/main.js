// Git Log Viewer: read-only git, run by Switchboard in a project's folder, drawn as tables on the plugin's page.
var STATUS_WORDS = { M: 'modified', A: 'added', D: 'deleted', R: 'renamed', C: 'copied', U: 'conflict', T: 'type changed' };

function relative(iso, now) {
  var seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 45) return 'just now';
  var units = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
  for (var i = 0; i < units.length; i++) {
    var count = Math.round(seconds / units[i][1]);
    if (count >= 1 && seconds >= units[i][1] * 0.9) return count + ' ' + units[i][0] + (count === 1 ? '' : 's') + ' ago';
  }
  return 'just now';
}

function fileState(code) {
  if (code === '??') return 'untracked';
  var letters = code.replace(/ /g, '');
  return letters.split('').map(function (c) { return STATUS_WORDS[c] || c; }).filter(function (w, i, all) { return all.indexOf(w) === i; }).join(', ');
}

async function chosenProject(projects) {
  var stored = await agor.storage.get('project');
  return projects.find(function (p) { return p.id === stored; }) || projects[0];
}

function picker(projects, project) {
  return {
    type: 'form',
    id: 'project',
    fields: [{ key: 'project', type: 'select', label: 'Project', value: project.id, options: projects.map(function (p) { return { value: p.id, label: p.name.slice(0, 100) }; }) }],
    submitLabel: 'Show log',
  };
}

async function show() {
  var projects = await agor.projects.list();
  if (projects.length === 0) {
    await agor.ui.setPanel({ type: 'markdown', title: 'Git log', markdown: 'No projects yet. Add a project folder in Switchboard and its git log shows here.' });
    return;
  }
  var project = await chosenProject(projects);
  var blocks = [picker(projects, project)];
  var answers;
  try {
    answers = await Promise.all([
      agor.git.branch({ projectId: project.id }),
      agor.git.status({ projectId: project.id }),
      agor.git.log({ projectId: project.id, limit: await agor.settings.get('limit') }),
    ]);
  } catch (err) {
    var notRepo = /is not a git repository/.test(err.message);
    blocks.push({
      type: 'markdown',
      title: notRepo ? 'Not a git repository' : 'git could not answer',
      markdown: notRepo
        ? '**' + project.name + '** is not a git repository, so it has no log, branch or changed files.\n\nRun `git init` in its folder to start one, or pick another project.'
        : err.message,
    });
    await agor.ui.setPanel({ type: 'blocks', title: 'Git log · ' + project.name, blocks: blocks });
    return;
  }
  var branch = answers[0];
  var status = answers[1];
  var commits = answers[2];
  var showEmail = await agor.settings.get('showEmail');
  var upstream = status.upstream ? ' · ' + status.upstream.ahead + ' ahead, ' + status.upstream.behind + ' behind ' + status.upstream.name : '';
  var changed = status.files.length === 0 ? 'no changed files' : status.files.length + ' changed file' + (status.files.length === 1 ? '' : 's');
  blocks.push({ type: 'markdown', markdown: 'Branch **' + (branch || 'detached HEAD') + '**' + upstream + ' · ' + changed });
  var now = Date.now();
  if (commits.length === 0) blocks.push({ type: 'markdown', title: 'Commits', markdown: 'No commits yet.' });
  else {
    blocks.push({
      type: 'table',
      title: 'Recent commits',
      columns: ['Commit', 'Author', 'When', 'Subject'],
      rows: commits.map(function (c) { return [c.hash.slice(0, 7), showEmail ? c.author + ' <' + c.email + '>' : c.author, relative(c.date, now), c.subject]; }),
    });
  }
  if (status.files.length > 0) {
    blocks.push({
      type: 'table',
      title: 'Changed files',
      columns: ['File', 'Change'],
      rows: status.files.slice(0, 500).map(function (f) { return [f.from ? f.from + ' → ' + f.path : f.path, fileState(f.code)]; }),
    });
  }
  await agor.ui.setPanel({ type: 'blocks', title: 'Git log · ' + project.name, blocks: blocks });
}

agor.ui.onAction('project', async function (values) {
  await agor.storage.set('project', values.project);
  await show();
});
agor.palette.registerCommand('Git: show log', show);
agor.settings.onChange(function () {
  return show();
});
show().catch(function (err) { console.error('Git Log Viewer could not show the log: ' + err.message); });
