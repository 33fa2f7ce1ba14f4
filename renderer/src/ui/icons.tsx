import type { ReactNode, SVGProps } from 'react';

export type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number; title?: string };
export type IconComponent = (props: IconProps) => ReactNode;

/** Icons are inline SVG (the CSP allows no remote or inline-style assets); they inherit currentColor. */
function icon(name: string, body: ReactNode): IconComponent {
  function Icon({ size = 16, title, ...rest }: IconProps) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        strokeLinejoin="round"
        className="icon"
        aria-hidden={title ? undefined : true}
        role={title ? 'img' : undefined}
        focusable="false"
        {...rest}
      >
        {title ? <title>{title}</title> : null}
        {body}
      </svg>
    );
  }
  Icon.displayName = `${name}Icon`;
  return Icon;
}

export const BellIcon = icon('Bell', <><path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" /><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" /></>);
export const SettingsIcon = icon('Settings', <><circle cx="12" cy="12" r="3" /><path d="M19.4 15a1.65 1.65 0 0 0 .33 1.82l.06.06a2 2 0 1 1-2.83 2.83l-.06-.06a1.65 1.65 0 0 0-1.82-.33 1.65 1.65 0 0 0-1 1.51V21a2 2 0 1 1-4 0v-.09A1.65 1.65 0 0 0 9 19.4a1.65 1.65 0 0 0-1.82.33l-.06.06a2 2 0 1 1-2.83-2.83l.06-.06A1.65 1.65 0 0 0 4.68 15a1.65 1.65 0 0 0-1.51-1H3a2 2 0 1 1 0-4h.09A1.65 1.65 0 0 0 4.6 9a1.65 1.65 0 0 0-.33-1.82l-.06-.06a2 2 0 1 1 2.83-2.83l.06.06A1.65 1.65 0 0 0 9 4.68a1.65 1.65 0 0 0 1-1.51V3a2 2 0 1 1 4 0v.09a1.65 1.65 0 0 0 1 1.51 1.65 1.65 0 0 0 1.82-.33l.06-.06a2 2 0 1 1 2.83 2.83l-.06.06A1.65 1.65 0 0 0 19.4 9a1.65 1.65 0 0 0 1.51 1H21a2 2 0 1 1 0 4h-.09a1.65 1.65 0 0 0-1.51 1z" /></>);
export const AuditIcon = icon('Audit', <><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" /><path d="M14 2v6h6" /><path d="M8 13h8" /><path d="M8 17h5" /></>);
export const CheckIcon = icon('Check', <path d="M20 6 9 17l-5-5" />);
export const CloseIcon = icon('Close', <><path d="M18 6 6 18" /><path d="m6 6 12 12" /></>);
export const SuccessIcon = icon('Success', <><circle cx="12" cy="12" r="10" /><path d="m8 12 3 3 5-6" /></>);
export const ErrorIcon = icon('Error', <><circle cx="12" cy="12" r="10" /><path d="m15 9-6 6" /><path d="m9 9 6 6" /></>);
export const WarningIcon = icon('Warning', <><path d="M10.29 3.86 1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z" /><path d="M12 9v4" /><path d="M12 17h.01" /></>);
export const InfoIcon = icon('Info', <><circle cx="12" cy="12" r="10" /><path d="M12 16v-4" /><path d="M12 8h.01" /></>);
export const AgentDoneIcon = icon('AgentDone', <><rect x="3" y="8" width="18" height="12" rx="2" /><path d="M12 8V4" /><circle cx="12" cy="3" r="1" /><path d="m8.5 14 2 2 4-4" /></>);
export const AgentErrorIcon = icon('AgentError', <><rect x="3" y="8" width="18" height="12" rx="2" /><path d="M12 8V4" /><circle cx="12" cy="3" r="1" /><path d="m10 12 4 4" /><path d="m14 12-4 4" /></>);
export const TrashIcon = icon('Trash', <><path d="M3 6h18" /><path d="M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6" /><path d="M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2" /></>);
export const DownloadIcon = icon('Download', <><path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4" /><path d="m7 10 5 5 5-5" /><path d="M12 15V3" /></>);
export const RefreshIcon = icon('Refresh', <><path d="M21 12a9 9 0 0 1-15.5 6.2L3 16" /><path d="M3 12a9 9 0 0 1 15.5-6.2L21 8" /><path d="M21 3v5h-5" /><path d="M3 21v-5h5" /></>);
export const KeyIcon = icon('Key', <><circle cx="7.5" cy="15.5" r="5.5" /><path d="m21 2-9.6 9.6" /><path d="m15.5 7.5 3 3L22 7l-3-3" /></>);
export const LockIcon = icon('Lock', <><rect x="3" y="11" width="18" height="11" rx="2" /><path d="M7 11V7a5 5 0 0 1 10 0v4" /></>);
export const SunIcon = icon('Sun', <><circle cx="12" cy="12" r="4" /><path d="M12 2v2M12 20v2M4.93 4.93l1.41 1.41M17.66 17.66l1.41 1.41M2 12h2M20 12h2M6.34 17.66l-1.41 1.41M19.07 4.93l-1.41 1.41" /></>);
export const MoonIcon = icon('Moon', <path d="M12 3a6 6 0 0 0 9 9 9 9 0 1 1-9-9z" />);
export const MonitorIcon = icon('Monitor', <><rect x="2" y="3" width="20" height="14" rx="2" /><path d="M8 21h8" /><path d="M12 17v4" /></>);
export const SearchIcon = icon('Search', <><circle cx="11" cy="11" r="7" /><path d="m21 21-4.3-4.3" /></>);
export const FilterIcon = icon('Filter', <path d="M22 3H2l8 9.46V19l4 2v-8.54z" />);
export const DatabaseIcon = icon('Database', <><ellipse cx="12" cy="5" rx="9" ry="3" /><path d="M3 5v14c0 1.66 4 3 9 3s9-1.34 9-3V5" /><path d="M3 12c0 1.66 4 3 9 3s9-1.34 9-3" /></>);
export const FolderIcon = icon('Folder', <path d="M4 20h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-7.93a2 2 0 0 1-1.66-.9l-.82-1.2A2 2 0 0 0 7.93 3H4a2 2 0 0 0-2 2v13c0 1.1.9 2 2 2z" />);
export const PuzzleIcon = icon('Puzzle', <path d="M19.44 7.85c-.49.49-.55 1.3-.12 1.84a2.5 2.5 0 1 1-3.53 3.53c-.54-.43-1.35-.37-1.84.12L12 15.29l-1.95-1.95c-.49-.49-1.3-.55-1.84-.12a2.5 2.5 0 1 1-3.53-3.53c.43-.54.37-1.35-.12-1.84L2.6 5.9 5.9 2.6l1.95 1.95c.49.49 1.3.55 1.84.12a2.5 2.5 0 1 1 3.53 3.53c-.43.54-.37 1.35.12 1.84L15.3 12l1.95-1.95" />);
export const StoreIcon = icon('Store', <><path d="M3 9 4.5 4h15L21 9" /><path d="M3 9h18v2a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 1-6 0z" /><path d="M5 13v7h14v-7" /></>);
export const TasksIcon = icon('Tasks', <><path d="M9 11l2 2 4-4" /><rect x="3" y="3" width="18" height="18" rx="2" /></>);
export const SessionsIcon = icon('Sessions', <><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" /></>);
export const MetricsIcon = icon('Metrics', <><path d="M3 3v18h18" /><path d="M7 15l4-4 3 3 6-6" /></>);
export const CommandIcon = icon('Command', <path d="M18 3a3 3 0 0 0-3 3v12a3 3 0 1 0 3-3H6a3 3 0 1 0 3 3V6a3 3 0 1 0-3 3h12a3 3 0 0 0 0-6" />);
export const ChevronDownIcon = icon('ChevronDown', <path d="m6 9 6 6 6-6" />);
export const ChevronRightIcon = icon('ChevronRight', <path d="m9 18 6-6-6-6" />);
export const ChevronLeftIcon = icon('ChevronLeft', <path d="m15 18-6-6 6-6" />);
export const MoreIcon = icon('More', <><circle cx="5" cy="12" r="1" /><circle cx="12" cy="12" r="1" /><circle cx="19" cy="12" r="1" /></>);
export const PlusIcon = icon('Plus', <><path d="M12 5v14" /><path d="M5 12h14" /></>);
export const SendIcon = icon('Send', <><path d="m22 2-7 20-4-9-9-4z" /><path d="M22 2 11 13" /></>);
export const GlobeIcon = icon('Globe', <><circle cx="12" cy="12" r="10" /><path d="M2 12h20" /><path d="M12 2a15.3 15.3 0 0 1 0 20 15.3 15.3 0 0 1 0-20z" /></>);
export const FileIcon = icon('File', <><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" /><path d="M14 2v6h6" /></>);
export const BranchIcon = icon('Branch', <><circle cx="6" cy="6" r="3" /><circle cx="6" cy="18" r="3" /><circle cx="18" cy="6" r="3" /><path d="M6 9v6" /><path d="M18 9a9 9 0 0 1-9 9" /></>);
export const PlayIcon = icon('Play', <path d="m6 3 14 9-14 9z" />);
export const ActivityIcon = icon('Activity', <path d="M22 12h-4l-3 9L9 3l-3 9H2" />);
export const CheckAllIcon = icon('CheckAll', <><path d="M18 6 7 17l-5-5" /><path d="m22 10-7.5 7.5L13 16" /></>);
