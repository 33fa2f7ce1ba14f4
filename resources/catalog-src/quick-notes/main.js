// Quick Notes: one palette command, "Add a note as a task", that files the text as a task in To do.
agor.palette.registerCommand('Add a note as a task', async function (text) {
  var line = String(text).trim();
  if (!line) throw new Error('Type the note after choosing the command');
  var prefix = (await agor.settings.get('prefix')) || '';
  await agor.tasks.create(prefix ? prefix + ': ' + line : line, 'Added from the command palette');
});
