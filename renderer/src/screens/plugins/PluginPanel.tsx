import type { Panel, PanelBlockValue } from '../../../../app/contract/plugins.ts';
import { SafeText } from '../../ui/index.ts';
import { PanelActions, PanelForm, PanelList } from './PanelControls.tsx';
import { StaticBlock } from './PanelStatic.tsx';

/** A form keeps what the user typed until the plugin draws the form anew (other fields or values). */
function formKey(block: Extract<PanelBlockValue, { type: 'form' }>): string {
  return `${block.id}:${JSON.stringify(block.fields)}`;
}

function Block({ pluginId, block }: { pluginId: string; block: PanelBlockValue }) {
  switch (block.type) {
    case 'form':
      return <PanelForm key={formKey(block)} pluginId={pluginId} block={block} />;
    case 'actions':
      return <PanelActions pluginId={pluginId} block={block} />;
    case 'list':
      return <PanelList pluginId={pluginId} block={block} />;
    default:
      return (
        <div className="plugin-panel-block">
          {block.title ? <h4 className="plugin-panel-block-title"><SafeText text={block.title} /></h4> : null}
          <StaticBlock block={block} />
        </div>
      );
  }
}

/**
 * A plugin's panel, drawn by the app from data. No plugin HTML ever reaches
 * the page; forms, buttons and list actions call the plugin's handler
 * (plugins.panelAction) with plain values.
 */
export function PluginPanel({ pluginId, panel }: { pluginId: string; panel: Panel }) {
  return (
    <div className="plugin-panel" data-panel-type={panel.type}>
      {panel.title ? <h3 className="plugin-panel-title"><SafeText text={panel.title} /></h3> : null}
      {panel.type === 'blocks' ? (
        <div className="plugin-panel-blocks">
          {panel.blocks.map((block, i) => <Block key={'id' in block ? `${block.type}:${block.id}` : `${block.type}:${i}`} pluginId={pluginId} block={block} />)}
        </div>
      ) : (
        <StaticBlock block={panel} />
      )}
    </div>
  );
}
