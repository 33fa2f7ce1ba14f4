bt.registerCommand('Add a note as a task', async function (text) {
  var prefix = (await agor.settings.get('prefix')) || 'Note';
  var task = await agor.tasks.create(prefix + ': ' + text, 'Added from the command palette');
  await agor.storage.set('last-note', task.id);
});
