'use client';

import { useId } from 'react';

import { describeZone, FIXED_ZONES, useTimeZone } from '../_lib/time-zone';

/** Which zone times are shown in: the browser's, Phnom Penh's, or UTC. */
export function ZonePicker() {
  const { zone, browserZone, setZone } = useTimeZone();
  const id = useId();
  const zones = [
    browserZone,
    ...FIXED_ZONES.filter((fixed) => fixed !== browserZone),
  ];
  if (!zones.includes(zone)) zones.push(zone);
  return (
    <div className="picker">
      <label htmlFor={id}>Times in</label>
      <select
        id={id}
        value={zone}
        onChange={(event) => setZone(event.target.value)}
      >
        {zones.map((name) => (
          <option key={name} value={name}>
            {describeZone(name)}
            {name === browserZone ? ' · this device' : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
